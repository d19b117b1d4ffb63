// A run whose calls wait on a vendor's budget says so while it waits, in the database and in GraphQL's syncRun: which
// vendor, why, since when, the calls left and a positive expected time; once it has finished, how long it waited is
// recorded. A worker in this process runs the batches (as `npm run sync --in-process` does), so it works on either
// database:
// - a Chargebee budget of 10 requests a minute, which the first sync of the products (about 18 calls) outruns;
// - a 429 with Retry-After from the Chargebee sandbox, sat out by the batch's calls (at the default 150 a minute).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/config.js";
import { createChargebeeClient, type ChargebeeClient } from "../../src/connectors/chargebee/index.js";
import { startChargebeeSandbox, type ChargebeeSandbox } from "../../src/connectors/chargebee/sandbox/index.js";
import { createPowerOfficeClient, type PowerOfficeClient } from "../../src/connectors/poweroffice/index.js";
import { startPowerOfficeSandbox, type PowerOfficeSandbox } from "../../src/connectors/poweroffice/sandbox/index.js";
import { startJobQueue, type JobQueue } from "../../src/jobs/queue.js";
import { silentLogger } from "../../src/logging/logger.js";
import {
  readRunWaits,
  requestSyncRun,
  startSyncWorker,
  waitForRun,
  type FlowId,
  type SyncRunRow,
  type SyncWorker,
  type VendorWaitView,
} from "../../src/sync/index.js";
import { startSubgraphUnderTest, type SubgraphUnderTest } from "../../subgraphs/shared/test-support.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";

const CHARGEBEE_PER_MINUTE = 10;
const SYNC_RUN_QUERY = `query($id: ID!) { syncRun(id: $id) {
  status
  waitingOn { vendor reason description since retryAt expectedSecondsLeft callsLeft stage batches rate { requests perSeconds } maxConcurrency }
  budgetWaited { vendor waitedMs }
} }`;

let db: TestDatabase;
let po: PowerOfficeSandbox;
let cb: ChargebeeSandbox;
let queue: JobQueue;
let subgraph: SubgraphUnderTest;
let worker: SyncWorker | undefined;
let clients: { poweroffice: PowerOfficeClient; chargebee: ChargebeeClient } | undefined;

before(async () => {
  db = await createTestDatabase();
  po = await startPowerOfficeSandbox({ size: "demo", seed: 5 });
  cb = await startChargebeeSandbox({ size: "demo", seed: 5 });
  queue = await startJobQueue({ db, logger: silentLogger, schedule: false, pollingIntervalSeconds: 0.5 });
  subgraph = await startSubgraphUnderTest("link", { db, secret: "budget-wait-test-secret-0123456789" });
});

after(async () => {
  await stopWorker();
  await queue?.stop({ timeoutMs: 5_000 });
  await subgraph?.close();
  await po?.close();
  await cb?.close();
  await db?.dispose();
});

async function startWorker(chargebee: { requestsPerMinute: number }): Promise<void> {
  clients = {
    poweroffice: createPowerOfficeClient(po.config(), { requestsPerSecond: 0 }),
    chargebee: createChargebeeClient({ ...cb.clientConfig, requestsPerMinute: chargebee.requestsPerMinute, maxConcurrency: 3 }),
  };
  const config = loadConfig({ SYNC_POLL_INTERVAL_SECONDS: "0", SYNC_WORKER_CONCURRENCY: "1" });
  worker = await startSyncWorker({ db, queue, config, logger: silentLogger, clients, poll: false });
}

async function stopWorker(): Promise<void> {
  await worker?.stop();
  await clients?.chargebee.close();
  await clients?.poweroffice.close();
  worker = undefined;
  clients = undefined;
}

interface Observed {
  /** The first Chargebee wait the run showed, as the CLI reads it. */
  fromDatabase?: VendorWaitView;
  /** The first Chargebee wait syncRun showed. */
  fromGraphql?: any;
}

/** Runs `flows` and follows the run as the CLI does, asking syncRun too while a wait shows, until it has finished. */
async function followRun(flows: FlowId[]): Promise<{ run: SyncRunRow; observed: Observed }> {
  const queued = await requestSyncRun({ knex: db.knex, queue, logger: silentLogger }, { flows, mode: "full", requestedBy: "test" });
  const observed: Observed = {};
  const run = await waitForRun(db.knex, queued.id, {
    intervalMs: 200,
    timeoutMs: 180_000,
    onProgress: async (current) => {
      if (observed.fromGraphql) return;
      const wait = (await readRunWaits(db.knex, current)).waitingOn.find((entry) => entry.vendor === "chargebee");
      if (!wait) return;
      observed.fromDatabase ??= wait;
      const answer = await subgraph.query<any>(SYNC_RUN_QUERY, { id: current.id });
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      observed.fromGraphql = answer.data.syncRun.waitingOn.find((entry: any) => entry.vendor === "CHARGEBEE");
    },
  });
  return { run, observed };
}

describe("a run that waits on Chargebee's budget", { timeout: 200_000 }, () => {
  before(() => startWorker({ requestsPerMinute: CHARGEBEE_PER_MINUTE }));
  after(stopWorker);

  test("shows the wait with the calls left and a positive expected time while it lasts, and records the total after", async () => {
    const { run, observed } = await followRun(["F7"]);
    assert.equal(run.status, "succeeded", run.error ?? "");
    assert.ok(run.counts.created > 0, "the products were created after the wait");

    const seen = observed.fromDatabase;
    assert.ok(seen, "the run showed a Chargebee wait while it ran");
    assert.equal(seen.reason, "rate");
    assert.deepEqual(seen.rate, { requests: CHARGEBEE_PER_MINUTE, perMs: 60_000 });
    assert.ok(seen.callsLeft > 0, `calls left: ${seen.callsLeft}`);
    assert.ok(seen.expectedSecondsLeft !== null && seen.expectedSecondsLeft > 0, `expected seconds left: ${seen.expectedSecondsLeft}`);
    assert.equal(seen.stage, 0);

    const shown = observed.fromGraphql;
    assert.ok(shown, "syncRun showed the wait too");
    assert.deepEqual(
      {
        vendor: shown.vendor,
        reason: shown.reason,
        description: shown.description,
        rate: shown.rate,
        maxConcurrency: shown.maxConcurrency,
        stage: shown.stage,
        batches: shown.batches,
        retryAt: shown.retryAt,
      },
      {
        vendor: "CHARGEBEE",
        reason: "RATE",
        description: `Chargebee's budget of ${CHARGEBEE_PER_MINUTE} requests/minute`,
        rate: { requests: CHARGEBEE_PER_MINUTE, perSeconds: 60 },
        maxConcurrency: 3,
        stage: 1,
        batches: 1,
        retryAt: null,
      },
    );
    assert.ok(shown.callsLeft > 0 && shown.expectedSecondsLeft > 0, JSON.stringify(shown));
    assert.ok(Date.parse(shown.since) <= Date.now(), shown.since);

    assert.ok((run.detail.budgetWaited?.chargebee ?? 0) > 0, `recorded: ${JSON.stringify(run.detail.budgetWaited)}`);
    const afterwards = await subgraph.query<any>(SYNC_RUN_QUERY, { id: run.id });
    assert.deepEqual(afterwards.data.syncRun.waitingOn, [], "nothing waits once the run has finished");
    assert.deepEqual(afterwards.data.syncRun.budgetWaited, [{ vendor: "CHARGEBEE", waitedMs: run.detail.budgetWaited!.chargebee }]);
    const listed = await subgraph.query<any>(
      `{ syncRuns(first: 1) { edges { node { id waitingOn { vendor } budgetWaited { vendor waitedMs } } } } }`,
    );
    assert.deepEqual(listed.data.syncRuns.edges[0].node, { id: run.id, waitingOn: [], budgetWaited: afterwards.data.syncRun.budgetWaited });
  });
});

describe("a run whose Chargebee call is answered 429 with Retry-After", { timeout: 120_000 }, () => {
  before(() => startWorker({ requestsPerMinute: 150 }));
  after(stopWorker);

  test("shows that it sits the pause out and when it retries", async () => {
    cb.faults.inject({ kind: "rate_limit", method: "POST", count: 1, retryAfterSeconds: 6 });
    const { run, observed } = await followRun(["F1"]);
    assert.equal(run.status, "succeeded", run.error ?? "");
    const seen = observed.fromDatabase;
    assert.ok(seen, "the run showed the 429's pause while it lasted");
    assert.equal(seen.reason, "retry-after");
    assert.ok(seen.retryAt && seen.retryAt.getTime() > seen.since.getTime(), `retrying at ${seen.retryAt?.toISOString()}`);
    assert.ok(seen.expectedSecondsLeft !== null && seen.expectedSecondsLeft > 0, `expected seconds left: ${seen.expectedSecondsLeft}`);
    const shown = observed.fromGraphql;
    assert.ok(shown, "syncRun showed it too");
    assert.equal(shown.reason, "RETRY_AFTER");
    assert.match(shown.description, /^Chargebee answered 429; retrying at \d\d:\d\d:\d\d UTC$/);
    assert.ok((run.detail.budgetWaited?.chargebee ?? 0) > 0, `recorded: ${JSON.stringify(run.detail.budgetWaited)}`);
  });
});
