// A Chargebee invoice becomes exactly one PowerOffice sales order even when the worker dies between the
// PowerOffice create and the commit that links it (issue: "records born in Chargebee reach PowerOffice").
// PowerOffice has no idempotency key: the outbox and a lookup by ExternalImportReference (= the invoice id) must
// make the retried create safe, and F8 must not send the order it finds back to Chargebee as a new invoice.
//
// Worker processes cannot share the embedded (PGlite) database: this runs on a PostgreSQL server (DATABASE_URL).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startChargebeeSandbox, type ChargebeeSandbox } from "../../src/connectors/chargebee/sandbox/index.js";
import { ADMIN_CONTEXT } from "../../src/connectors/chargebee/sandbox/store.js";
import { startPowerOfficeSandbox, type PowerOfficeSandbox } from "../../src/connectors/poweroffice/sandbox/index.js";
import { startJobQueue, type JobQueue } from "../../src/jobs/queue.js";
import { silentLogger } from "../../src/logging/logger.js";
import { requestSyncRun } from "../../src/sync/commands/run-commands.js";
import type { SyncRunRow } from "../../src/sync/runs/types.js";
import { waitForRun } from "../../src/sync/runs/wait.js";
import { createTestDatabase, usingServer, type TestDatabase } from "../helpers/database.js";
import { killAll, sandboxEnv, startWorkerProcess, type WorkerProcess } from "./support/worker-process.js";

const SKIP = usingServer ? false : "needs PostgreSQL: set DATABASE_URL (several worker processes cannot share the embedded database)";
const SALES_ORDER_CREATE = "/v2/SalesOrders/Complete";

let db: TestDatabase;
let po: PowerOfficeSandbox;
let cb: ChargebeeSandbox;
let queue: JobQueue;
const workers: WorkerProcess[] = [];

function startWorker(): Promise<WorkerProcess> {
  return startWorkerProcess(sandboxEnv({ databaseUrl: db.url!, po, cb, extra: { SYNC_BATCH_SIZE: "2", SYNC_WORKER_CONCURRENCY: "1" } }), workers);
}

function request(mode: "full" | "incremental"): Promise<SyncRunRow> {
  return requestSyncRun({ knex: db.knex, queue, logger: silentLogger }, { mode, requestedBy: "test" });
}

/** Kills the worker the moment PowerOffice has answered the nth sales order create: made there, not committed here. */
function killAfterCreate(worker: WorkerProcess, nth: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const stop = po.onAnswered(({ method, path, status }) => {
      if (method !== "POST" || path !== SALES_ORDER_CREATE || status !== 201) return;
      seen += 1;
      if (seen !== nth) return;
      worker.child.kill("SIGKILL");
      stop();
      resolve();
    });
  });
}

/** PowerOffice sales orders per ExternalImportReference (the Chargebee invoice they were made for). */
function salesOrdersByInvoice(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const order of po.store.all("SalesOrders")) {
    const reference = order.ExternalImportReference;
    if (typeof reference === "string" && reference) counts.set(reference, (counts.get(reference) ?? 0) + 1);
  }
  return counts;
}

/** The invoices Chargebee raised itself (not F8's, whose po_number is our order id). */
function chargebeeOwnInvoices(): string[] {
  return cb.store
    .dump("invoice")
    .filter((invoice) => !String(invoice.po_number ?? "").startsWith("po-so-"))
    .map((invoice) => String(invoice.id))
    .sort();
}

/** Sales order creates PowerOffice has answered since the sandbox started. */
let salesOrderCreates = 0;
const powerOfficeCreates = () => salesOrderCreates;

describe("a crash never duplicates a sales order made for a Chargebee invoice", { skip: SKIP, timeout: 600_000 }, () => {
  before(async () => {
    db = await createTestDatabase();
    po = await startPowerOfficeSandbox({ size: "demo", seed: 11 });
    cb = await startChargebeeSandbox({ size: "demo", seed: 11 });
    queue = await startJobQueue({ db, logger: silentLogger, schedule: false });
    po.onAnswered(({ method, path, status }) => {
      if (method === "POST" && path === SALES_ORDER_CREATE && status === 201) salesOrderCreates += 1;
    });
  });

  after(async () => {
    await killAll(workers);
    await queue?.stop({ timeoutMs: 5_000 });
    await po?.close();
    await cb?.close();
    await db?.dispose();
  });

  test("killed after PowerOffice made a sales order and before the commit: the resumed run finds it, and makes no second one", async () => {
    // Renewals for the demo's customers, beside the invoices the demo seeds: enough creates for a kill mid-stage.
    for (const customer of ["cb-cust-000008", "cb-cust-000015", "cb-cust-000022"]) {
      const price = cb.store.dump("item_price").find((row) => row.currency_code === "NOK" && row.item_type === "charge")!;
      cb.store.createInvoiceForCharges({ customer_id: customer, currency_code: "NOK", auto_collection: "off" }, ADMIN_CONTEXT, {
        itemPrices: [{ item_price_id: price.id, quantity: 2 }],
        charges: [],
      });
    }
    const own = chargebeeOwnInvoices();
    assert.ok(own.length >= 6, `the demo has invoices of Chargebee's own (${own.length})`);

    const first = await startWorker();
    const run = await request("full");
    await killAfterCreate(first, 2);
    await first.exited;
    const madeBeforeTheKill = powerOfficeCreates();
    assert.ok(madeBeforeTheKill >= 2, "PowerOffice made the orders the killed worker asked for");
    const linkedAtKill = Number(
      (await db.knex("links").where({ flow: "F12", system: "poweroffice" }).count<{ count: string }[]>("* as count"))[0]!.count,
    );
    assert.ok(linkedAtKill < madeBeforeTheKill, "at least one order made in PowerOffice was not committed when the worker died");

    await startWorker();
    const finished = await waitForRun(db.knex, run.id, { intervalMs: 200, timeoutMs: 150_000 });
    assert.equal(finished.status, "succeeded", finished.error ?? "");

    const byInvoice = salesOrdersByInvoice();
    for (const invoice of own) assert.equal(byInvoice.get(invoice), 1, `invoice ${invoice}: one sales order`);
    assert.deepEqual(await db.knex("outbox").where({ system: "poweroffice", status: "pending" }), []);
    const links = (await db.knex("links").where({ flow: "F12", system: "chargebee", entity: "invoice" }).pluck("source_id")) as string[];
    assert.deepEqual(links.sort(), own);
  });

  test("a further run writes nothing: no sales order is made again, none is sent back to Chargebee as an invoice", async () => {
    const [orders, invoices, creates] = [po.store.all("SalesOrders").length, cb.store.dump("invoice").length, powerOfficeCreates()];
    for (let round = 0; round < 2; round += 1) {
      const run = await request("incremental");
      const finished = await waitForRun(db.knex, run.id, { intervalMs: 200, timeoutMs: 120_000 });
      assert.equal(finished.status, "succeeded", finished.error ?? "");
    }
    assert.deepEqual([po.store.all("SalesOrders").length, cb.store.dump("invoice").length, powerOfficeCreates()], [orders, invoices, creates]);
  });
});
