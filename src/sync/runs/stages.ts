import type { Knex } from "knex";
import { QUEUES, type JobQueue } from "../../jobs/queue.js";
import { refreshStatistics } from "../engine/statistics.js";
import { recordCreatedHistory } from "./created-history.js";
import { failRun, mergeDetail } from "./run-store.js";
import { budgetWaitedFrom, waitedBatchesQuery } from "./run-waits.js";
import type { BatchApiWaits, BatchJobData, DryRunPlan, RunDetail } from "./types.js";

/** How many planned writes a dry run keeps in sync_runs.detail (all of them stay in sync_run_batches.plan). */
export const PLAN_ENTRIES_IN_DETAIL = 1000;

/** A run of at least this many work items may have grown the sync tables past their statistics. */
const ITEMS_WORTH_A_STATISTICS_CHECK = 200;

export type BatchCompletion = "stage-continues" | "next-stage-queued" | "run-finished" | "already-done" | "run-ended";

/** Every planned write and quarantine of a dry run, in batch order. */
export async function readRunPlan(knex: Knex, runId: string): Promise<DryRunPlan> {
  const rows: Array<{ plan: DryRunPlan | null }> = await knex("sync_run_batches")
    .where({ run_id: runId })
    .whereNotNull("plan")
    .orderBy("seq")
    .select("plan");
  return {
    writes: rows.flatMap((row) => row.plan?.writes ?? []),
    quarantined: rows.flatMap((row) => row.plan?.quarantined ?? []),
  };
}

/**
 * What a finished run missed besides quarantined records: sources it could not read completely, and records left
 * unprocessed by errors that were not the records' fault. Each is a sentence with what happens next.
 */
export function runShortfalls(run: { errors: number; detail: RunDetail | null }): string[] {
  const shortfalls = (run.detail?.read?.incomplete ?? []).map(
    (problem) => `could not read ${problem.source} completely (${problem.reason}); the next run reads it again`,
  );
  if (run.errors > 0) {
    shortfalls.push(
      `${run.errors} record(s) were left unprocessed after errors that were not theirs (network, 5xx or 429 after retries); ` +
        "the next run tries them again (the log has each error)",
    );
  }
  return shortfalls;
}

/**
 * Ends the run: succeeded, or partial when it missed something other than quarantined records (runShortfalls,
 * written to its error and detail). A dry run's plan (totals and the first entries) goes into its detail, and so
 * does how long its batches waited on each vendor's budget.
 */
export async function finishRun(trx: Knex.Transaction, runId: string): Promise<void> {
  const run = (await trx("sync_runs").where({ id: runId }).first("mode", "errors", "detail", "requested_by")) as
    { mode: string; errors: number; detail: RunDetail | null; requested_by: string } | undefined;
  if (run?.detail) await recordCreatedHistory(trx, runId, run.requested_by, run.detail);
  const shortfalls = run ? runShortfalls(run) : [];
  const batchWaits = (await waitedBatchesQuery(trx, [runId])) as Array<{ waited: BatchApiWaits["waited"] | null }>;
  const detail: RunDetail = { phase: "finished", ...(shortfalls.length > 0 ? { shortfalls } : {}), budgetWaited: budgetWaitedFrom(batchWaits) };
  if (run?.mode === "dry-run") {
    const plan = await readRunPlan(trx, runId);
    const totals: Record<string, number> = {};
    for (const write of plan.writes) totals[write.action] = (totals[write.action] ?? 0) + 1;
    totals.quarantine = plan.quarantined.length;
    detail.plan = {
      writes: plan.writes.slice(0, PLAN_ENTRIES_IN_DETAIL),
      quarantined: plan.quarantined.slice(0, PLAN_ENTRIES_IN_DETAIL),
      totals,
      truncated: plan.writes.length > PLAN_ENTRIES_IN_DETAIL || plan.quarantined.length > PLAN_ENTRIES_IN_DETAIL,
    };
  }
  await trx("sync_runs")
    .where({ id: runId })
    .whereIn("status", ["queued", "running"])
    .update({
      status: shortfalls.length > 0 ? "partial" : "succeeded",
      finished_at: trx.fn.now(),
      error: shortfalls.length > 0 ? `Finished, but ${shortfalls.join("; ")}` : null,
      detail: mergeDetail(trx, detail),
    });
}

/**
 * Marks one batch done, exactly once, and moves the run on: when it was the last batch of its stage, the next
 * stage's batches are queued (in the same transaction), or the run succeeds after the last stage.
 * The run row is locked first, so two workers finishing the last two batches of a stage see each other's update.
 */
export async function completeBatch(knex: Knex, queue: JobQueue, runId: string, seq: number, plan: DryRunPlan | undefined): Promise<BatchCompletion> {
  const outcome = await knex.transaction(async (trx): Promise<BatchCompletion> => {
    const run = await trx("sync_runs").where({ id: runId }).forUpdate().first("status");
    const [batch] = await trx("sync_run_batches")
      .where({ run_id: runId, seq })
      .whereIn("status", ["queued", "running"])
      .update({ status: "done", finished_at: trx.fn.now(), plan: plan ? JSON.stringify(plan) : null, error: null })
      .returning(["stage"]);
    if (!batch) return "already-done";
    await trx("sync_runs")
      .where({ id: runId })
      .update({ batches_done: trx.raw("batches_done + 1") });
    if (!run || run.status !== "running") return "run-ended";

    const stage = batch.stage as number;
    const open = await trx("sync_run_batches").where({ run_id: runId, stage }).whereNot({ status: "done" }).first("seq");
    if (open) return "stage-continues";

    const next = await trx("sync_run_batches")
      .where({ run_id: runId })
      .where("stage", ">", stage)
      .min<{ stage: number | null }>("stage as stage")
      .first();
    if (next?.stage === null || next?.stage === undefined) {
      // A large run refreshes the statistics of what it grew before it ends, so the next poll's planning does not
      // pay for analyzing it (most of that poll's time otherwise: bench/README.md).
      const items = await trx("sync_run_batches").where({ run_id: runId }).sum<{ items: number | string | null }>("item_count as items").first();
      if (Number(items?.items ?? 0) >= ITEMS_WORTH_A_STATISTICS_CHECK) await refreshStatistics(trx);
      await finishRun(trx, runId);
      return "run-finished";
    }
    const queued: Array<{ seq: number }> = await trx("sync_run_batches")
      .where({ run_id: runId, stage: next.stage, status: "pending" })
      .update({ status: "queued" })
      .returning(["seq"]);
    await trx("sync_runs")
      .where({ id: runId })
      .update({ detail: mergeDetail(trx, { stage: next.stage }) });
    await queue.boss.insert(
      QUEUES.syncBatch,
      queued.map((row) => ({ data: { runId, seq: row.seq } satisfies BatchJobData })),
      { db: queue.transactionDb(trx) },
    );
    return "next-stage-queued";
  });
  if (outcome === "next-stage-queued") queue.wake(QUEUES.syncBatch);
  return outcome;
}

/** A batch that failed for good fails its run; the batches still running finish, no further stage starts. */
export async function failBatch(knex: Knex, runId: string, seq: number, error: string): Promise<void> {
  const batch = await knex("sync_run_batches").where({ run_id: runId, seq }).first("stage", "label");
  await knex("sync_run_batches")
    .where({ run_id: runId, seq })
    .whereNot({ status: "done" })
    .update({ status: "failed", error, finished_at: knex.fn.now() });
  const where = batch ? `batch ${seq} (stage ${batch.stage + 1}, ${batch.label})` : `batch ${seq}`;
  await failRun(knex, runId, `${where} failed: ${error}`);
}
