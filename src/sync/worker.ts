import type { AppConfig } from "../config/config.js";
import { ConfigError } from "../config/env-parsers.js";
import { FLOW_IDS, FLOWS, isFlowId } from "./flows/index.js";
import { conflictPolicyProblems } from "./model/conflict-policy.js";
import { pruneFieldChanges } from "./tables/field-changes.js";
import type { Database } from "../db/database.js";
import { QUEUES, type JobQueue } from "../jobs/queue.js";
import type { Logger } from "../logging/logger.js";
import { requestSyncRun } from "./commands/run-commands.js";
import { planWork, processWork, readSources } from "./engine/index.js";
import { handleBatchJob } from "./runs/batch-job.js";
import { handleRunJob } from "./runs/run-job.js";
import { failBatch } from "./runs/stages.js";
import { failRun } from "./runs/run-store.js";
import type { BatchJobData, RunDeps, RunJobData, SyncClients, SyncEngine, SyncRunRow } from "./runs/types.js";

export const SCHEDULE_REQUESTER = "schedule";

const defaultEngine: SyncEngine = { readSources, planWork, processWork };

export interface SyncWorkerOptions {
  db: Database;
  queue: JobQueue;
  config: AppConfig;
  logger: Logger;
  clients: SyncClients;
  /** The engine: src/sync/engine by default (tests may pass their own). */
  engine?: SyncEngine;
  /** Run the incremental poll every config.sync.pollIntervalSeconds (0 = off). Default true. */
  poll?: boolean;
  /** Batch jobs run at once in this process. Default config.sync.workerConcurrency. */
  concurrency?: number;
}

export interface SyncWorker {
  /** Asks for an incremental run now, unless a run is already queued or running (then null). */
  pollNow(): Promise<SyncRunRow | null>;
  /** Stops the poll and waits for this process's running jobs; the queue itself is stopped by its owner. */
  stop(): Promise<void>;
}

/**
 * Takes sync jobs from the queue: runs (read, plan, fan out), batches (process, count, move the run on), the
 * incremental poll, and jobs that failed for good (their run is marked failed with the reason).
 * Any number of workers, in any number of processes on the same PostgreSQL, share the work.
 */
export async function startSyncWorker(options: SyncWorkerOptions): Promise<SyncWorker> {
  const { db, queue, config, logger, clients } = options;
  const unknown = config.sync.createOff.filter((id) => !isFlowId(id));
  if (unknown.length > 0) {
    throw new ConfigError([
      `SYNC_CREATE_OFF names ${unknown.join(", ")}, which ${unknown.length > 1 ? "are not flows" : "is not a flow"} (flows: ${FLOW_IDS.join(", ")})`,
    ]);
  }
  const policyProblems = conflictPolicyProblems(config.sync.conflictPolicy, Object.values(FLOWS));
  if (policyProblems.length > 0) throw new ConfigError(policyProblems);
  const engine = options.engine ?? defaultEngine;
  const deps: RunDeps = { knex: db.knex, queue, logger, engine, clients, settings: config.sync };
  const commandDeps = { knex: db.knex, queue, logger };
  const concurrency = options.concurrency ?? config.sync.workerConcurrency;

  const orphans = await queue.retryOrphanedJobs();
  if (orphans) logger.info({ jobs: orphans }, "jobs interrupted by a stopped process are retried");

  await queue.work<RunJobData>(QUEUES.syncRun, { localConcurrency: 1 }, (job) =>
    handleRunJob(deps, job.data.runId, job.id, { retryCount: job.retryCount, retryLimit: job.retryLimit }),
  );
  await queue.work<BatchJobData>(QUEUES.syncBatch, { localConcurrency: concurrency }, (job) =>
    handleBatchJob(deps, job.data, { retryCount: job.retryCount, retryLimit: job.retryLimit }),
  );
  await queue.work<Partial<BatchJobData>>(QUEUES.syncDead, { localConcurrency: 1 }, async (job) => {
    const reason = describeFailure(job.sourceOutput);
    if (!job.data.runId) return;
    if (job.sourceName === QUEUES.syncBatch && job.data.seq !== undefined) {
      await failBatch(db.knex, job.data.runId, job.data.seq, `${reason} (gave up after its retries)`);
    } else {
      await failRun(db.knex, job.data.runId, `The run's job gave up after its retries: ${reason}`);
    }
    logger.error({ runId: job.data.runId, queue: job.sourceName, reason }, "sync job failed for good");
  });

  const pollNow = async (): Promise<SyncRunRow | null> => {
    const busy = await db.knex("sync_runs").whereIn("status", ["queued", "running"]).first("id");
    if (busy) {
      logger.debug({ runId: busy.id }, "poll skipped: a sync run is still queued or running");
      return null;
    }
    return requestSyncRun(commandDeps, { mode: "incremental", requestedBy: SCHEDULE_REQUESTER });
  };
  const pruneHistory = async () => {
    try {
      const removed = await pruneFieldChanges(db.knex, config.sync.historyDays);
      if (removed > 0)
        logger.info({ removed, days: config.sync.historyDays }, `history older than ${config.sync.historyDays} days removed (SYNC_HISTORY_DAYS)`);
    } catch (error) {
      logger.warn({ err: error }, `could not prune the history: ${(error as Error).message}; the next poll tries again`);
    }
  };
  await pruneHistory();
  await queue.work(QUEUES.syncPoll, { localConcurrency: 1 }, async () => {
    await pollNow();
    await pruneHistory();
  });

  let timer: NodeJS.Timeout | undefined;
  const interval = config.sync.pollIntervalSeconds;
  if ((options.poll ?? true) && interval > 0) {
    // Every worker process sends the poll job; the queue keeps at most one queued or active, and a poll is skipped
    // while a run is queued or running, so polls never overlap.
    timer = setInterval(() => {
      queue.send(QUEUES.syncPoll, {}).catch((error: Error) => logger.warn({ err: error }, `could not queue the poll: ${error.message}`));
    }, interval * 1000);
    timer.unref();
  }
  logger.info(
    { concurrency, pollIntervalSeconds: timer ? interval : 0, database: db.location },
    `sync worker started (${timer ? `polling every ${interval} s` : "no poll"})`,
  );

  let stopped = false;
  return {
    pollNow,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      await Promise.all([QUEUES.syncPoll, QUEUES.syncRun, QUEUES.syncBatch, QUEUES.syncDead].map((name) => queue.offWork(name)));
      logger.info("sync worker stopped");
    },
  };
}

function describeFailure(output: unknown): string {
  if (output && typeof output === "object" && "message" in output && typeof output.message === "string") return output.message;
  if (output === null || output === undefined) return "no reason recorded (the worker may have been stopped or timed out)";
  return JSON.stringify(output).slice(0, 500);
}
