// Three worker processes on one database share the vendors' request budgets: against a Chargebee sandbox that allows
// 150 requests a minute (and a PowerOffice sandbox at 10 a second), a first sync big enough to need more than one
// minute of Chargebee's budget makes no more than the limit in any minute, meets no 429, and finishes.
//
// Several processes cannot open one embedded (PGlite) database, so this needs a PostgreSQL server: it runs when
// DATABASE_URL is set and is skipped with the reason otherwise.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startChargebeeSandbox, type ChargebeeSandbox } from "../../src/connectors/chargebee/sandbox/index.js";
import { startPowerOfficeSandbox, type PowerOfficeSandbox } from "../../src/connectors/poweroffice/sandbox/index.js";
import { startJobQueue, type JobQueue } from "../../src/jobs/queue.js";
import { silentLogger } from "../../src/logging/logger.js";
import { requestSyncRun } from "../../src/sync/index.js";
import { waitForRun } from "../../src/sync/runs/wait.js";
import { createTestDatabase, usingServer, type TestDatabase } from "../helpers/database.js";
import { killAll, sandboxEnv, startWorkerProcess, type WorkerProcess } from "./support/worker-process.js";

const SKIP = usingServer ? false : "needs PostgreSQL: set DATABASE_URL (several worker processes cannot share the embedded database)";
const CHARGEBEE_PER_MINUTE = 150;
const POWEROFFICE_PER_SECOND = 10;
/** PowerOffice records: a first sync of these makes a little over two minutes' worth of Chargebee calls. */
const POWEROFFICE_SIZE = 250;

let db: TestDatabase;
let po: PowerOfficeSandbox;
let cb: ChargebeeSandbox;
let queue: JobQueue;
const workers: WorkerProcess[] = [];

/** The most timestamps in any window of `windowMs` (a window holds t when start ≤ t < start + windowMs). */
function mostInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last += 1) {
    while (sorted[last]! - sorted[first]! >= windowMs) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe("three worker processes on one database, one budget per vendor account", { skip: SKIP, timeout: 240_000 }, () => {
  before(async () => {
    db = await createTestDatabase();
    po = await startPowerOfficeSandbox({ size: POWEROFFICE_SIZE, seed: 11, requestsPerSecond: POWEROFFICE_PER_SECOND });
    cb = await startChargebeeSandbox({ size: "demo", seed: 11, requestsPerMinute: CHARGEBEE_PER_MINUTE });
    queue = await startJobQueue({ db, logger: silentLogger, schedule: false });
  });

  after(async () => {
    await killAll(workers);
    await queue?.stop({ timeoutMs: 5_000 });
    await po?.close();
    await cb?.close();
    await db?.dispose();
  });

  test(`make no more than ${CHARGEBEE_PER_MINUTE} Chargebee requests in any minute, meet no 429, and finish`, async () => {
    const env = sandboxEnv({
      databaseUrl: db.url!,
      po,
      cb,
      extra: {
        CHARGEBEE_REQUESTS_PER_MINUTE: String(CHARGEBEE_PER_MINUTE),
        CHARGEBEE_MAX_CONCURRENCY: "3",
        POWEROFFICE_REQUESTS_PER_SECOND: String(POWEROFFICE_PER_SECOND),
        SYNC_BATCH_SIZE: "10",
        SYNC_WORKER_CONCURRENCY: "2",
      },
    });
    await Promise.all([1, 2, 3].map(() => startWorkerProcess(env, workers)));
    const chargebeeMark = cb.requestLog.total;
    const powerofficeMark = po.requestLog.lastSeq;
    const began = Date.now();
    const queued = await requestSyncRun({ knex: db.knex, queue, logger: silentLogger }, { mode: "full", requestedBy: "test" });
    const run = await waitForRun(db.knex, queued.id, { intervalMs: 250, timeoutMs: 220_000 });
    const seconds = (Date.now() - began) / 1000;

    const chargebee = cb.requestLog.list().filter((entry) => entry.id > chargebeeMark);
    const poweroffice = po.requestLog.entries(powerofficeMark);
    const mostInMinute = mostInAnyWindow(
      chargebee.map((entry) => Date.parse(entry.at)),
      60_000,
    );
    const powerofficeMostInSecond = mostInAnyWindow(
      poweroffice.map((entry) => Date.parse(entry.at)),
      1_000,
    );
    const chargebee429 = chargebee.filter((entry) => entry.status === 429).length;
    const poweroffice429 = poweroffice.filter((entry) => entry.status === 429).length;
    const batchesByWorker = workers.map(
      (worker) => worker.output.filter((line) => line.includes('"msg":"batch done"') && line.includes(run.id)).length,
    );
    const budgets = (await db.knex("vendor_rate_budgets").orderBy("account_key").select("account_key", "version")) as Array<{
      account_key: string;
      version: number;
    }>;
    const chargebeeExchanges = Number(budgets.find((row) => row.account_key.startsWith("chargebee:"))?.version ?? 0);
    console.log(
      `# run ${run.status} in ${seconds.toFixed(1)} s: ${run.batchesTotal} batches, by worker ${batchesByWorker.join(" / ")}; counts ${JSON.stringify(run.counts)}`,
    );
    console.log(
      `# Chargebee: ${chargebee.length} calls, at most ${mostInMinute} in any 60 s window (limit ${CHARGEBEE_PER_MINUTE}), ${chargebee429} answered 429`,
    );
    console.log(
      `# PowerOffice: ${poweroffice.length} calls, at most ${powerofficeMostInSecond} in any 1 s window (limit ${POWEROFFICE_PER_SECOND}), ${poweroffice429} answered 429`,
    );
    console.log(
      `# Chargebee budget: ${chargebeeExchanges} updates of its row for ${chargebee.length} calls (${(chargebeeExchanges / Math.max(1, chargebee.length)).toFixed(2)} per call)`,
    );

    assert.equal(run.status, "succeeded", run.error ?? "");
    assert.ok(chargebee.length > 2 * CHARGEBEE_PER_MINUTE, `the run needed more than two minutes' worth of Chargebee calls (${chargebee.length})`);
    assert.ok(mostInMinute <= CHARGEBEE_PER_MINUTE, `${mostInMinute} Chargebee requests in one minute`);
    assert.equal(chargebee429, 0, "no Chargebee request was refused");
    assert.ok(powerofficeMostInSecond <= POWEROFFICE_PER_SECOND, `${powerofficeMostInSecond} PowerOffice requests in one second`);
    assert.equal(poweroffice429, 0, "no PowerOffice request was refused");
    assert.ok(
      batchesByWorker.every((batches) => batches > 0),
      `every worker took batches (${batchesByWorker.join(", ")})`,
    );
    assert.ok(seconds < 200, `finished in ${seconds} s`);
  });
});
