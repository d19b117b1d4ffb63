// npm run worker: a sync worker process. Reads the configuration, opens the database (it never migrates: npm run
// migrate or npm start does), takes sync jobs from the queue, and stops gracefully on SIGTERM/SIGINT (a second
// signal stops at once; jobs cut short are retried by another worker or at the next start).
import { loadConfigOrExit } from "../config/load-config-or-exit.js";
import { openDatabase, type Database } from "../db/database.js";
import { jobQueueSettings, startJobQueue, type JobQueue } from "../jobs/queue.js";
import { createLogger } from "../logging/logger.js";
import { checkSandboxesReachable, createSyncClients, describeApis } from "./clients.js";
import { waitForSchema } from "./schema-check.js";
import { startSyncWorker, type SyncWorker } from "./worker.js";

const config = loadConfigOrExit();
const logger = createLogger({ ...config.log, name: "worker" });
const startup = new AbortController();
let db: Database | undefined;
let queue: JobQueue | undefined;
let worker: SyncWorker | undefined;
let stopping = false;

async function stop(signal: string): Promise<void> {
  if (stopping) {
    logger.warn({ signal }, "second signal: stopping now");
    process.exit(1);
  }
  stopping = true;
  startup.abort();
  logger.info({ signal }, "stopping: finishing the jobs in hand");
  try {
    await worker?.stop();
    await queue?.stop({ timeoutMs: 30_000 });
    await db?.close();
    logger.info("worker stopped");
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, `error while stopping: ${(error as Error).message}`);
    process.exit(1);
  }
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));

try {
  db = await openDatabase(config.database);
  logger.info(`database: ${db.location}`);
  await waitForSchema(db, { logger, waitSeconds: config.jobs.schemaWaitSeconds, signal: startup.signal });
  queue = await startJobQueue({ db, logger, ...jobQueueSettings(config) });
  const apis = describeApis(config);
  logger.info(`PowerOffice: ${apis.poweroffice}; Chargebee: ${apis.chargebee}`);
  const webhookFeed = config.sync.chargebeeWebhooks;
  logger.info(
    webhookFeed
      ? `Chargebee changes: by webhook (CHARGEBEE_WEBHOOK_USERNAME/PASSWORD are set; the gateway must receive them at /webhooks/chargebee), ` +
          `with a catch-up read every ${webhookFeed.catchupIntervalSeconds} s`
      : "Chargebee changes: polled (no webhook credentials set)",
  );
  for (const problem of await checkSandboxesReachable(config)) logger.warn(problem);
  if (!stopping) {
    worker = await startSyncWorker({ db, queue, config, logger, clients: createSyncClients(config, { logger }) });
  }
} catch (error) {
  logger.fatal({ err: error }, `worker could not start: ${(error as Error).message}`);
  await queue?.stop({ timeoutMs: 1_000 }).catch(() => {});
  await db?.close().catch(() => {});
  process.exit(1);
}
