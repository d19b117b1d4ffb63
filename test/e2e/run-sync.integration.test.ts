/**
 * The sync mutations end to end: both sandboxes with demo data, the job queue and a sync worker, the three subgraphs
 * and the gateway. An integrator asks for a run through the gateway; once the worker has done it, the unified
 * customers show their Chargebee side, and the run says who asked for it.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { loadConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logging/logger.js";
import { startJobQueue, type JobQueue } from "../../src/jobs/queue.js";
import { startSyncWorker, type SyncWorker } from "../../src/sync/worker.js";
import { startSyncHarness, type SyncHarness } from "../sync/harness.js";
import { INTEGRATOR_KEY, startFederation, type Federation } from "./support/federation.js";

const CUSTOMERS_QUERY = /* GraphQL */ `
  {
    customers(first: 1000) {
      totalCount
      edges {
        node {
          id
          email
          syncState
          powerofficeContactPersons {
            id
            emailAddress
          }
          chargebee {
            id
            email
          }
        }
      }
    }
  }
`;

interface UnifiedCustomer {
  id: string;
  email: string | null;
  syncState: string;
  powerofficeContactPersons: Array<{ id: string; emailAddress: string | null }>;
  chargebee: { id: string; email: string | null } | null;
}

let harness: SyncHarness;
let queue: JobQueue;
let worker: SyncWorker;
let federation: Federation;

before(async () => {
  harness = await startSyncHarness();
  queue = await startJobQueue({ db: harness.db, logger: silentLogger, pollingIntervalSeconds: 0.5 });
  worker = await startSyncWorker({
    db: harness.db,
    queue,
    config: loadConfig({ SYNC_POLL_INTERVAL_SECONDS: "0", SYNC_BATCH_SIZE: "50" }),
    logger: silentLogger,
    clients: { poweroffice: harness.poweroffice, chargebee: harness.chargebee },
    poll: false,
  });
  federation = await startFederation({ db: harness.db, commands: { knex: harness.db.knex, queue, logger: silentLogger } });
});

after(async () => {
  await federation?.close();
  await worker?.stop();
  await queue?.stop();
  await harness?.close();
});

async function waitForRun(id: string): Promise<Record<string, unknown>> {
  // The API offers no push for run progress, so the test polls syncRun like a client would, bounded in time.
  const deadline = Date.now() + 90_000;
  for (;;) {
    const { body } = await federation.query(
      "query Run($id: ID!) { syncRun(id: $id) { id status requestedBy flows mode error counts { created } } }",
      { id },
    );
    const run = body.data.syncRun as Record<string, unknown>;
    if (run.status === "SUCCEEDED" || run.status === "FAILED") return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${String(run.status)} after 90 s`);
    await delay(250);
  }
}

test("runSync through the gateway: the worker runs it, then the unified customers show their Chargebee side", { timeout: 150_000 }, async () => {
  const before = await federation.query(CUSTOMERS_QUERY);
  assert.equal(before.body.data.customers.totalCount, 0, "nothing is linked before the first sync");

  const requested = await federation.query('mutation { runSync(flows: ["F1"], mode: FULL) { id status requestedBy flows mode } }', undefined, {
    "x-api-key": INTEGRATOR_KEY,
  });
  assert.equal(requested.status, 200, JSON.stringify(requested.body));
  const run = requested.body.data.runSync;
  assert.deepEqual({ ...run, id: typeof run.id }, { id: "string", status: "QUEUED", requestedBy: "erp", flows: ["F1"], mode: "FULL" });

  const finished = await waitForRun(run.id);
  assert.equal(finished.status, "SUCCEEDED", `run failed: ${String(finished.error)}`);
  assert.equal(finished.requestedBy, "erp", "the gateway forwarded the caller's name");

  const after = await federation.query(CUSTOMERS_QUERY);
  assert.equal(after.status, 200);
  const customers = after.body.data.customers.edges.map((e: { node: UnifiedCustomer }) => e.node) as UnifiedCustomer[];
  assert.ok(customers.length > 0, "the run linked customers");
  for (const customer of customers) {
    assert.ok(customer.powerofficeContactPersons.length >= 1, `${customer.id} has its PowerOffice contact person`);
    assert.ok(customer.chargebee, `${customer.id} shows its Chargebee side`);
    assert.equal(customer.chargebee.email?.toLowerCase(), customer.email, `${customer.id}: the same email on both sides`);
    for (const person of customer.powerofficeContactPersons) {
      assert.equal(person.emailAddress?.toLowerCase(), customer.email);
    }
  }
});
