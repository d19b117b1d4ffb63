// npm run sync -- [--flow F1 …] [--mode incremental|full|reconcile] [--dry-run] [--wait] [--in-process] [--run ID]
import os from "node:os";
import { loadConfig } from "../config/config.js";
import { openDatabase, type Database } from "../db/database.js";
import { migrateLatest } from "../db/migrate.js";
import { QUEUES, jobQueueSettings, startJobQueue, type JobQueue } from "../jobs/queue.js";
import { createLogger } from "../logging/logger.js";
import {
  FINISHED_STATUSES,
  FLOWS,
  checkSandboxesReachable,
  createSyncClients,
  getSyncRun,
  readRunPlan,
  readRunReport,
  readRunWaits,
  requestSyncRun,
  startSyncWorker,
  waitForRun,
  waitForSchema,
  type SyncRunRow,
  type SyncWorker,
} from "../sync/index.js";
import { runCli } from "./run-cli.js";
import { parseSyncArgs, SYNC_USAGE, UsageError, type SyncCliOptions } from "./sync-args.js";
import { progressLine, renderPlan, renderSummary } from "./sync-output.js";

let options: SyncCliOptions;
try {
  options = parseSyncArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n\n${SYNC_USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(SYNC_USAGE);
  process.exit(0);
}

/** Follows a run, redrawing one progress line on a terminal, or printing a line every few seconds otherwise. */
function follow(db: Database, runId: string, signal: AbortSignal): Promise<SyncRunRow> {
  const tty = Boolean(process.stdout.isTTY);
  const started = Date.now();
  let lastPlain = 0;
  let lastText = "";
  return waitForRun(db.knex, runId, {
    intervalMs: tty ? 200 : 500,
    signal,
    onProgress: async (run) => {
      const elapsed = run.startedAt ? Date.now() - run.startedAt.getTime() : Date.now() - started;
      // What the run waits for (a vendor's budget, another stage): one more statement per poll, only while it processes.
      const waits = await readRunWaits(db.knex, run);
      if (tty) {
        const columns = process.stdout.columns ?? 120;
        const line = progressLine(run, elapsed, 24, waits).slice(0, columns - 1);
        process.stdout.write(`\r\x1b[2K${line}`);
        if (FINISHED_STATUSES.includes(run.status)) process.stdout.write("\n");
        return;
      }
      const text = progressLine(run, elapsed, undefined, waits);
      const finished = FINISHED_STATUSES.includes(run.status);
      const core = text.replace(/^[^:]*: /, "");
      if (finished || (core !== lastText && Date.now() - lastPlain >= 2_000)) {
        console.log(text);
        lastPlain = Date.now();
        lastText = core;
      }
    },
  });
}

async function printOutcome(db: Database, run: SyncRunRow, limit: number): Promise<void> {
  const titles = Object.fromEntries(Object.entries(FLOWS).map(([id, flow]) => [id, flow.title]));
  console.log(`\n${renderSummary(await readRunReport(db.knex, run), titles)}`);
  if (run.mode === "dry-run" && (run.status === "succeeded" || run.status === "partial"))
    console.log(`\n${renderPlan(await readRunPlan(db.knex, run.id), limit)}`);
  // 0: succeeded; 3: finished partial (something was missed, see the summary); 1: failed or cancelled.
  if (run.status !== "succeeded") process.exitCode = run.status === "partial" ? 3 : 1;
}

await runCli(async () => {
  const config = loadConfig();
  // Quieter than the other processes unless LOG_LEVEL is set: the progress bar and the table are its output.
  const logger = createLogger({ ...config.log, level: process.env.LOG_LEVEL ? config.log.level : "warn", name: "sync" });
  const db = await openDatabase(config.database);
  let queue: JobQueue | undefined;
  let worker: SyncWorker | undefined;
  const interrupted = new AbortController();
  const onSignal = () => {
    if (interrupted.signal.aborted) process.exit(130);
    interrupted.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    if (db.kind === "embedded") {
      // The embedded database is the product's own and this process holds it: it is migrated here, as npm start does.
      const { applied } = await migrateLatest(db.knex);
      if (applied.length > 0) console.log(`Migrated ${db.location}: applied ${applied.length} migration(s).`);
    } else {
      await waitForSchema(db, { logger, waitSeconds: 0, command: "npm run migrate, then npm run sync again" });
    }

    if (options.runId) {
      const run = await getSyncRun(db.knex, options.runId);
      if (!run) throw new Error(`No sync run ${options.runId} in ${db.location}`);
      const final = options.wait && !FINISHED_STATUSES.includes(run.status) ? await follow(db, run.id, interrupted.signal) : run;
      if (FINISHED_STATUSES.includes(final.status)) await printOutcome(db, final, options.limit);
      else
        console.log(progressLine(final, final.startedAt ? Date.now() - final.startedAt.getTime() : 0, undefined, await readRunWaits(db.knex, final)));
      return;
    }

    queue = await startJobQueue({ db, logger, ...jobQueueSettings(config) });
    const remote = !options.inProcess && db.kind === "postgres" && (await queue.hasLiveWorker(QUEUES.syncBatch));
    if (!remote) {
      const problems = await checkSandboxesReachable(config);
      if (problems.length > 0) throw new Error(problems.join("\n"));
      worker = await startSyncWorker({ db, queue, config, logger, clients: createSyncClients(config, { logger }), poll: false });
    }
    const run = await requestSyncRun(
      { knex: db.knex, queue, logger },
      { flows: options.flows, mode: options.mode, requestedBy: `cli:${os.userInfo().username}` },
    );
    const where = remote ? "queued for the worker processes" : "running in this process";
    console.log(`Sync run ${run.id} (${run.mode}, flows ${run.flows.join(", ")}): ${where}.`);
    if (remote && !options.wait) {
      console.log(`Follow it with: npm run sync -- --run ${run.id} --wait`);
      return;
    }
    const final = await follow(db, run.id, interrupted.signal);
    if (!FINISHED_STATUSES.includes(final.status)) {
      console.log(
        remote
          ? `\nStopped following; run ${run.id} goes on in the workers (npm run sync -- --run ${run.id} --wait).`
          : `\nInterrupted: run ${run.id} stops after the batches in hand and resumes when a worker next starts (npm run worker, npm start or npm run sync).`,
      );
      process.exitCode = 130;
      return;
    }
    await printOutcome(db, final, options.limit);
  } finally {
    await worker?.stop();
    await queue?.stop({ timeoutMs: 30_000 });
    await db.close();
  }
});
