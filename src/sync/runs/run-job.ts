import type { Knex } from "knex";
import { QUEUES } from "../../jobs/queue.js";
import { powerOfficeSidesOf } from "../tables/links.js";
import { flowName, isCreationFlowId } from "../flows/index.js";
import { ADMISSION_RECHECK_SECONDS, admitRun, failAbandonedRun } from "./admission.js";
import { buildContext } from "./context.js";
import { createRefusal, createRequestedRecord, refuseUnpartnered } from "./create-requested.js";
import { toBatches } from "./fan-out.js";
import { createRunProgressSink } from "./progress.js";
import { FINISHED_STATUSES, failRun, getSyncRun, mergeDetail, updateRun } from "./run-store.js";
import { finishRun } from "./stages.js";
import type { BatchJobData, RecordTarget, RunDeps, RunJobData, WorkStage } from "./types.js";

/**
 * The job of a sync run: wait until no run over overlapping flows is running (see admission.ts), then read the
 * sources into the datasets, plan the work, and fan it out into batch jobs, stage by stage (only the first stage is
 * queued here; each stage's last batch queues the next).
 *
 * Safe to retry: reading is cursor-based and idempotent, and the plan is committed together with the first
 * stage's jobs, once; a retry after that finds the plan and does nothing.
 */
export async function handleRunJob(deps: RunDeps, runId: string, jobId: string, attempt: { retryCount: number; retryLimit: number }): Promise<void> {
  const { knex, engine, logger } = deps;
  const admission = await admitRun(knex, runId, jobId);
  if (admission.kind === "skip") {
    logger.debug({ runId, jobId }, `sync run job left alone: ${admission.why}`);
    return;
  }
  if (admission.kind === "waiting") {
    await waitForBlocker(deps, runId, admission.blocker.id);
    return;
  }
  const run = await getSyncRun(knex, runId);
  if (!run || FINISHED_STATUSES.includes(run.status)) return;
  if (await isPlanned(knex, runId)) return;

  const log = logger.child({ runId, mode: run.mode });
  const progress = createRunProgressSink({ knex, runId, logger: log });
  const ctx = buildContext(deps, run, progress);
  let record = run.detail.record;
  const mode = run.mode === "dry-run" ? "dry-run" : run.mode;
  try {
    if (!record && run.detail.create) {
      try {
        refuseUnpartnered(deps.settings, run.detail.create);
        record = await createRequestedRecord(ctx, runId, run.detail.create);
      } catch (error) {
        const refused = createRefusal(error);
        if (!refused) throw error;
        await progress.close();
        await updateRun(knex, runId, { detail: { createRefused: refused } });
        await failRun(knex, runId, `The new customer was not made: ${refused.message}`);
        log.warn({ refused }, `sync run failed: ${refused.message}`);
        return;
      }
      await updateRun(knex, runId, { detail: { record } });
      log.info({ record }, "sync run: made the requested record; syncing it");
    }
    const readStarted = Date.now();
    log.info({ flows: run.flows, flowNames: run.flows.map(flowName) }, "sync run: reading sources");
    const { changed, incomplete, recovered } = await engine.readSources(ctx, { flows: run.flows, mode: record ? "incremental" : mode });
    await progress.close();
    const readDetail = {
      counts: { ...progress.total },
      changed,
      durationMs: Date.now() - readStarted,
      ...(incomplete?.length ? { incomplete } : {}),
      ...(recovered?.length ? { recovered } : {}),
    };
    if (incomplete?.length) {
      log.warn(
        { incomplete },
        `could not read everything: ${incomplete.map((problem) => `${problem.source} (${problem.reason})`).join("; ")}; the run ends partial and the next run reads them again`,
      );
    }
    await updateRun(knex, runId, { detail: { phase: "planning", read: readDetail } });

    const planStarted = Date.now();
    // One record: plan every record of its flows (it may not have changed), keep the items that involve it.
    let stages = await engine.planWork(ctx, { flows: run.flows, mode: record ? "full" : mode });
    if (record) stages = await onlyItemsOf(knex, stages, record, run.flows);
    const { batches, stages: summaries } = toBatches(stages, deps.settings.batchSize);
    log.info(
      { changed, items: summaries.reduce((sum, stage) => sum + stage.items, 0), batches: batches.length, stages: summaries.length },
      "sync run: planned",
    );

    const queued = await knex.transaction(async (trx) => {
      const locked = await trx("sync_runs").where({ id: runId }).forUpdate().first("status");
      if (!locked || FINISHED_STATUSES.includes(locked.status)) return false;
      if (await isPlanned(trx, runId)) return false;
      for (let start = 0; start < batches.length; start += 200) {
        await trx("sync_run_batches").insert(
          batches.slice(start, start + 200).map((batch) => ({
            run_id: runId,
            stage: batch.stage,
            seq: batch.seq,
            flows: batch.flows,
            label: batch.label,
            items: JSON.stringify(batch.items),
            item_count: batch.items.length,
            status: batch.stage === 0 ? "queued" : "pending",
          })),
        );
      }
      await trx("sync_runs")
        .where({ id: runId })
        .update({
          batches_total: batches.length,
          detail: mergeDetail(trx, { phase: "processing", stage: 0, stages: summaries, planningMs: Date.now() - planStarted }),
        });
      if (batches.length === 0) {
        await finishRun(trx, runId);
        return false;
      }
      const first = batches.filter((batch) => batch.stage === 0);
      await deps.queue.boss.insert(
        QUEUES.syncBatch,
        first.map((batch) => ({ data: { runId, seq: batch.seq } satisfies BatchJobData })),
        { db: deps.queue.transactionDb(trx) },
      );
      return true;
    });
    if (queued) deps.queue.wake(QUEUES.syncBatch);
  } catch (error) {
    await progress.close();
    const message = (error as Error).message;
    if (attempt.retryCount >= attempt.retryLimit) {
      await failRun(knex, runId, `Reading or planning failed after ${attempt.retryCount + 1} attempt(s): ${message}`);
      log.error({ err: error }, `sync run failed: ${message}`);
      return;
    }
    await updateRun(knex, runId, { detail: { lastError: `attempt ${attempt.retryCount + 1}: ${message}` } });
    log.warn({ err: error }, `sync run attempt ${attempt.retryCount + 1} failed, will retry: ${message}`);
    throw error;
  }
}

/**
 * Keeps a queued run waiting behind a running one: its job comes back in a moment. A blocker whose jobs are all
 * gone would keep it waiting for ever, so such a blocker is failed first.
 */
async function waitForBlocker(deps: RunDeps, runId: string, blockerId: string): Promise<void> {
  if (await failAbandonedRun(deps.knex, blockerId, (id) => deps.queue.hasOpenJobs(id))) {
    deps.logger.warn({ runId, blocker: blockerId }, `sync run ${blockerId} had no job left to finish it: marked failed, so run ${runId} can start`);
  } else {
    deps.logger.debug({ runId, blocker: blockerId }, `sync run waits for run ${blockerId}, whose flows overlap`);
  }
  await deps.queue.send(QUEUES.syncRun, { runId } satisfies RunJobData, { startAfter: ADMISSION_RECHECK_SECONDS });
}

async function isPlanned(knex: Knex, runId: string): Promise<boolean> {
  return Boolean(await knex("sync_run_batches").where({ run_id: runId }).first("seq"));
}

/** The work items that involve one record (by its PowerOffice id, or through the links of a Chargebee record). */
async function onlyItemsOf(knex: Knex, stages: WorkStage[], record: RecordTarget, flows: readonly string[]): Promise<WorkStage[]> {
  let wanted: Array<{ flow: string | null; sourceId: string }>;
  if (record.system === "poweroffice") {
    // The run's flows are those that read this entity, so the id names one record in each of them.
    wanted = flows.map((flow) => ({ flow, sourceId: record.sourceId }));
  } else {
    wanted = await powerOfficeSidesOf(knex, { entity: record.entity, sourceId: record.sourceId });
    // A Chargebee-born record not linked yet is the creation flow's own work item.
    for (const flow of flows) if (isCreationFlowId(flow)) wanted.push({ flow, sourceId: record.sourceId });
  }
  return stages.map((stage) => ({
    flows: stage.flows,
    items: stage.items.filter((item) =>
      item.records.some((r) => wanted.some((w) => w.sourceId === r.sourceId && (w.flow === null || w.flow === r.flow))),
    ),
  }));
}
