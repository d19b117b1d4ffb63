import type { Knex } from "knex";
import { flowName } from "../flows/index.js";
import { BatchApiWork, waitSourcesOf } from "./batch-api-work.js";
import { startBatchWaitReporter } from "./batch-wait-reporter.js";
import { buildContext } from "./context.js";
import { createRunProgressSink } from "./progress.js";
import { getSyncRun, incrementColumns } from "./run-store.js";
import { completeBatch, failBatch, type BatchCompletion } from "./stages.js";
import type { BatchApiWaits, RunCounts, RunDeps, WorkItem } from "./types.js";

/**
 * Records a batch's counts with its outcome, in the transaction that commits it: the batch's own counters, the
 * run's, and the note that the batch is committed. A later attempt (the worker died before the batch was marked
 * done) finds the note and only marks it done, so no record is processed or counted twice.
 */
function commitCountsOf(runId: string, seq: number): (trx: Knex.Transaction, counts: RunCounts) => Promise<void> {
  return async (trx, counts) => {
    // The run's row first, then the batch's: the order every writer of both takes (the progress sink, completeBatch),
    // so a commit and a progress flush of the same batch never wait for each other in a circle.
    const runUpdate = incrementColumns(trx, counts);
    if (Object.keys(runUpdate).length > 0) await trx("sync_runs").where({ id: runId }).update(runUpdate);
    await trx("sync_run_batches")
      .where({ run_id: runId, seq })
      .update({ ...incrementColumns(trx, counts), committed_at: trx.fn.now() });
  };
}

/**
 * The job of one batch: processWork for its items (idempotent, safe when retried or when other workers run other
 * batches), its counts committed with its outcome, then the batch is marked done and the run moved on.
 */
export async function handleBatchJob(
  deps: RunDeps,
  job: { runId: string; seq: number },
  attempt: { retryCount: number; retryLimit: number },
): Promise<BatchCompletion | "skipped"> {
  const { knex, logger } = deps;
  const run = await getSyncRun(knex, job.runId);
  if (!run || run.status !== "running") return "skipped";
  const batch = await knex("sync_run_batches")
    .where({ run_id: job.runId, seq: job.seq })
    .first("items", "status", "stage", "label", "committed_at", "api_waits");
  if (!batch || batch.status === "done" || batch.status === "failed") return "skipped";
  await knex("sync_run_batches")
    .where({ run_id: job.runId, seq: job.seq })
    .update({ status: "running", attempts: knex.raw("attempts + 1"), started_at: knex.raw("coalesce(started_at, now())") });

  const log = logger.child({
    runId: job.runId,
    batch: job.seq,
    stage: batch.stage,
    flows: batch.label,
    flowNames: String(batch.label).split("+").map(flowName),
  });
  const progress = createRunProgressSink({ knex, runId: job.runId, batchSeq: job.seq, logger: log });
  const items = batch.items as WorkItem[];
  const apiWork = new BatchApiWork({
    items: items.length,
    sources: waitSourcesOf(deps.clients),
    startedAt: Date.now(),
    waitedBefore: (batch.api_waits as BatchApiWaits | null)?.waited,
  });
  const waits = startBatchWaitReporter({ knex, runId: job.runId, seq: job.seq, work: apiWork, logger: log });
  const ctx = { ...buildContext(deps, run, progress), commitCounts: commitCountsOf(job.runId, job.seq), writes: apiWork };
  try {
    if (batch.committed_at) log.info("batch committed by an earlier attempt that stopped before marking it done: marking it done");
    else await deps.engine.processWork(ctx, items);
  } catch (error) {
    await progress.close();
    await waits.close();
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
  // Before the batch is marked done: the run's last batch adds up every batch's waits as it finishes the run.
  await waits.close();
  const outcome = await completeBatch(knex, deps.queue, job.runId, job.seq, ctx.plan);
  log.debug({ outcome, counts: progress.total }, "batch done");
  if (outcome === "run-finished") {
    const finished = await getSyncRun(knex, job.runId);
    if (finished?.status === "partial") logger.warn({ runId: job.runId }, `sync run finished partial: ${finished.error}`);
    else logger.info({ runId: job.runId }, `sync run ${finished?.status ?? "finished"}`);
  }
  return outcome;
}
