import { buildContext } from "./context.js";
import { createRunProgressSink } from "./progress.js";
import { getSyncRun } from "./run-store.js";
import { completeBatch, failBatch, type BatchCompletion } from "./stages.js";
import type { Knex } from "knex";
import { COUNT_COLUMNS } from "./run-store.js";
import type { RunCounts, RunDeps, WorkItem } from "./types.js";

/** Counts an attempt can take back: what it decided. API calls stay counted: those calls were made. */
const RECORD_COUNTS = (Object.keys(COUNT_COLUMNS) as Array<keyof RunCounts>).filter((key) => key !== "apiCalls").map((key) => COUNT_COLUMNS[key]);

/**
 * Marks the batch running for a new attempt. An attempt after one that was cut short (a killed worker) starts its
 * counts again: what the cut attempt counted before its commit is taken back from the batch and the run, so each
 * record is counted once, by the attempt that committed it.
 */
async function startAttempt(knex: Knex, runId: string, seq: number): Promise<void> {
  await knex.transaction(async (trx) => {
    const counted = (await trx("sync_run_batches").where({ run_id: runId, seq }).forUpdate().first("attempts", ...RECORD_COUNTS)) as Record<string, number>;
    const takeBack: Record<string, Knex.Raw> = {};
    if (Number(counted.attempts) > 0) {
      for (const column of RECORD_COUNTS) if (Number(counted[column]) !== 0) takeBack[column] = trx.raw("?? - ?", [column, Number(counted[column])]);
    }
    if (Object.keys(takeBack).length > 0) await trx("sync_runs").where({ id: runId }).update(takeBack);
    await trx("sync_run_batches")
      .where({ run_id: runId, seq })
      .update({
        status: "running",
        attempts: trx.raw("attempts + 1"),
        started_at: trx.raw("coalesce(started_at, now())"),
        ...Object.fromEntries(Object.keys(takeBack).map((column) => [column, 0])),
      });
  });
}

/**
 * The job of one batch: processWork for its items (idempotent, safe when retried or when other workers run other
 * batches), progress added to the run as it goes, then the batch is marked done and the run moved on.
 */
export async function handleBatchJob(
  deps: RunDeps,
  job: { runId: string; seq: number },
  attempt: { retryCount: number; retryLimit: number },
): Promise<BatchCompletion | "skipped"> {
  const { knex, logger } = deps;
  const run = await getSyncRun(knex, job.runId);
  if (!run || run.status !== "running") return "skipped";
  const batch = await knex("sync_run_batches").where({ run_id: job.runId, seq: job.seq }).first("items", "status", "stage", "label");
  if (!batch || batch.status === "done" || batch.status === "failed") return "skipped";
  await startAttempt(knex, job.runId, job.seq);

  const log = logger.child({ runId: job.runId, batch: job.seq, stage: batch.stage, flows: batch.label });
  const progress = createRunProgressSink({ knex, runId: job.runId, batchSeq: job.seq, logger: log });
  const ctx = buildContext(deps, run, progress);
  try {
    await deps.engine.processWork(ctx, batch.items as WorkItem[]);
  } catch (error) {
    await progress.close();
    const message = (error as Error).message;
    if (attempt.retryCount >= attempt.retryLimit) {
      await failBatch(knex, job.runId, job.seq, `${message} (after ${attempt.retryCount + 1} attempts)`);
      log.error({ err: error }, `batch failed for good: ${message}`);
      return "run-ended";
    }
    await knex("sync_run_batches").where({ run_id: job.runId, seq: job.seq }).update({ error: message });
    log.warn({ err: error }, `batch attempt ${attempt.retryCount + 1} failed, will retry: ${message}`);
    throw error;
  }
  await progress.close();
  const outcome = await completeBatch(knex, deps.queue, job.runId, job.seq, ctx.plan);
  log.debug({ outcome, counts: progress.total }, "batch done");
  if (outcome === "run-finished") {
    const finished = await getSyncRun(knex, job.runId);
    if (finished?.status === "partial") logger.warn({ runId: job.runId }, `sync run finished partial: ${finished.error}`);
    else logger.info({ runId: job.runId }, `sync run ${finished?.status ?? "finished"}`);
  }
  return outcome;
}
