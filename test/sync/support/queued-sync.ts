// Sync runs through the job queue in this process (a worker over the harness's clients), as `npm start` runs them:
// what a run reports (status, counts, shortfalls) is what the queue side records.
import { loadConfig } from "../../../src/config/config.js";
import { startJobQueue, type JobQueue } from "../../../src/jobs/queue.js";
import type { Logger } from "../../../src/logging/logger.js";
import { silentLogger } from "../../../src/logging/logger.js";
import { requestSyncRun } from "../../../src/sync/commands/run-commands.js";
import type { SyncMode, SyncRunRow } from "../../../src/sync/runs/types.js";
import { waitForRun } from "../../../src/sync/runs/wait.js";
import { startSyncWorker, type SyncWorker } from "../../../src/sync/worker.js";
import type { SyncHarness } from "../harness.js";

export interface QueuedSync {
  queue: JobQueue;
  /** Queues a run and waits until it has finished. */
  run(options?: { mode?: SyncMode; flows?: string[] }): Promise<SyncRunRow>;
  stop(): Promise<void>;
}

export async function startQueuedSync(harness: SyncHarness, options: { logger?: Logger; env?: Record<string, string> } = {}): Promise<QueuedSync> {
  const logger = options.logger ?? silentLogger;
  const queue = await startJobQueue({ db: harness.db, logger, pollingIntervalSeconds: 0.5, retries: { limit: 1, delaySeconds: 0, backoff: false } });
  const worker: SyncWorker = await startSyncWorker({
    db: harness.db,
    queue,
    config: loadConfig({ SYNC_POLL_INTERVAL_SECONDS: "0", SYNC_BATCH_SIZE: "50", ...options.env }),
    logger,
    clients: { poweroffice: harness.poweroffice, chargebee: harness.chargebee },
    poll: false,
  });
  return {
    queue,
    async run({ mode = "incremental", flows } = {}) {
      const queued = await requestSyncRun({ knex: harness.db.knex, queue, logger }, { mode, flows, requestedBy: "test" });
      return waitForRun(harness.db.knex, queued.id, { intervalMs: 50, timeoutMs: 120_000 });
    },
    async stop() {
      await worker.stop();
      await queue.stop({ timeoutMs: 5_000 });
    },
  };
}
