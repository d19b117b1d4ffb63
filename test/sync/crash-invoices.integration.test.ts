// A crash must never duplicate an invoice (issue: "one active run per flow, and invoices created exactly once").
// Worker processes sync an order-heavy demo (PowerOffice sandbox at size 300: about 70 sales orders) in small
// batches, and are killed with SIGKILL at chosen points of the invoice writes: the Chargebee sandbox (in this
// process) tells the test when an invoice request arrives or has been answered, and the test kills the worker right
// then. A new worker and a new run start at once, while the killed run's jobs are still due; then two `npm run sync`
// processes start together. Every sales order must end with exactly one Chargebee invoice, every run must end in a
// truthful status, and a last run must write nothing.
//
// Several processes cannot open one embedded (PGlite) database: this runs on a PostgreSQL server (DATABASE_URL).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { startChargebeeSandbox, type ChargebeeSandbox } from "../../src/connectors/chargebee/sandbox/index.js";
import { startPowerOfficeSandbox, type PowerOfficeSandbox } from "../../src/connectors/poweroffice/sandbox/index.js";
import { startJobQueue, type JobQueue } from "../../src/jobs/queue.js";
import { silentLogger } from "../../src/logging/logger.js";
import { requestSyncRun } from "../../src/sync/commands/run-commands.js";
import { getSyncRun } from "../../src/sync/runs/run-store.js";
import type { SyncRunRow } from "../../src/sync/runs/types.js";
import { waitForRun } from "../../src/sync/runs/wait.js";
import { createTestDatabase, usingServer, type TestDatabase } from "../helpers/database.js";
import { ROOT, isRunning, killAll, sandboxEnv, startWorkerProcess, until, type WorkerProcess } from "./support/worker-process.js";

const SKIP = usingServer ? false : "needs PostgreSQL: set DATABASE_URL (several worker processes cannot share the embedded database)";
const INVOICE_CREATE = "/api/v2/invoices/create_for_charge_items_and_charges";
const ORDER_CREATE = "/api/v2/orders";
/** New sales orders per kill, so each kill lands in the middle of a run's order stage (batches of 3). */
const ORDERS_PER_ROUND = 12;

interface KillPoint {
  name: string;
  /** The request that triggers the kill, counted from the start of the round. */
  path: string;
  phase: "received" | "answered";
  nth: number;
}

/**
 * Where the worker dies: before an invoice call reaches Chargebee, after Chargebee made the invoice but before the
 * worker committed it, after the order for the invoice was made, and in a later batch of the same stage.
 */
const KILL_POINTS: KillPoint[] = [
  { name: "before the invoice call", path: INVOICE_CREATE, phase: "received", nth: 2 },
  { name: "after the invoice call, before the commit", path: INVOICE_CREATE, phase: "answered", nth: 2 },
  { name: "after the order for the invoice, before the commit", path: ORDER_CREATE, phase: "answered", nth: 1 },
  { name: "during the next batch", path: INVOICE_CREATE, phase: "received", nth: 5 },
  { name: "after the invoice call, in the last batch", path: INVOICE_CREATE, phase: "answered", nth: ORDERS_PER_ROUND - 1 },
];

let db: TestDatabase;
let po: PowerOfficeSandbox;
let cb: ChargebeeSandbox;
let queue: JobQueue;
const workers: WorkerProcess[] = [];
const runs: SyncRunRow[] = [];

function workerEnv(): NodeJS.ProcessEnv {
  return sandboxEnv({ databaseUrl: db.url!, po, cb, extra: { SYNC_BATCH_SIZE: "3", SYNC_WORKER_CONCURRENCY: "2" } });
}

function request(mode: "full" | "incremental"): Promise<SyncRunRow> {
  return requestSyncRun({ knex: db.knex, queue, logger: silentLogger }, { mode, requestedBy: "test" });
}

/** Chargebee invoices per PowerOffice order reference (po_number is our order id). */
function invoicesByReference(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const invoice of cb.store.dump("invoice")) {
    if (invoice.deleted || typeof invoice.po_number !== "string" || !invoice.po_number.startsWith("po-so-")) continue;
    counts.set(invoice.po_number, (counts.get(invoice.po_number) ?? 0) + 1);
  }
  return counts;
}

/** Linked sales orders and the Chargebee invoice references they should have. */
async function linkedOrderReferences(): Promise<string[]> {
  const rows = (await db.knex("links").where({ flow: "F8", system: "chargebee", entity: "order", status: "active" }).pluck("source_id")) as string[];
  return rows.sort();
}

/** New PowerOffice sales orders for companies whose orders already sync, with one to three product lines. */
function createOrders(count: number, round: number): void {
  const customers = [
    ...new Set(
      po.store
        .all("SalesOrders")
        .map((order) => order.CustomerId)
        .filter((id) => typeof id === "number"),
    ),
  ] as number[];
  const products = po.store.all("Products").filter((product) => !product.IsDeleted && product.IsActive !== false);
  for (let n = 0; n < count; n += 1) {
    const lines = Array.from({ length: 1 + ((n + round) % 3) }, (_, index) => ({
      ProductId: products[(n * 7 + index * 3 + round) % products.length]!.Id,
      Quantity: 1 + ((n + index) % 3),
    }));
    po.store.create("SalesOrders", { CustomerId: customers[(n + round) % customers.length], CurrencyCode: "NOK", SalesOrderLines: lines });
  }
}

/** Kills `worker` with SIGKILL the moment the sandbox sees the kill point's request (dropped when "received"). */
function killWhen(worker: WorkerProcess, point: KillPoint): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const stop = cb.onRequest(({ phase, method, path }) => {
      if (method !== "POST" || path !== point.path || phase !== point.phase) return;
      seen += 1;
      if (seen !== point.nth) return;
      worker.child.kill("SIGKILL");
      stop();
      resolve();
      return phase === "received" ? "drop" : undefined;
    });
  });
}

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli/sync.ts", ...args],
      { cwd: ROOT, env: { ...workerEnv(), LOG_LEVEL: "error" }, timeout: 150_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

function chargebeeWrites(): number {
  return cb.requestLog.list({ method: "POST" }).length;
}

describe("a crash never duplicates an invoice", { skip: SKIP, timeout: 600_000 }, () => {
  before(async () => {
    db = await createTestDatabase();
    po = await startPowerOfficeSandbox({ size: 300, seed: 7 });
    cb = await startChargebeeSandbox({ size: "demo", seed: 7 });
    queue = await startJobQueue({ db, logger: silentLogger, schedule: false });
  });

  after(async () => {
    await killAll(workers);
    await queue?.stop({ timeoutMs: 5_000 });
    await po?.close();
    await cb?.close();
    await db?.dispose();
  });

  test("a first run killed before an invoice call, then a new run at once: the new run waits, each order gets one invoice", async () => {
    const first = await startWorkerProcess(workerEnv(), workers);
    const run = await request("full");
    runs.push(run);
    await killWhen(first, KILL_POINTS[0]!);
    await first.exited;

    await startWorkerProcess(workerEnv(), workers);
    const next = await request("incremental");
    runs.push(next);
    // The killed run's jobs come back only when their heartbeat lapses (10 s): the new run must not start meanwhile.
    await until(
      async () => (await getSyncRun(db.knex, next.id))?.detail.waitingFor?.runId === run.id,
      10_000,
      "the new run waiting for the killed one",
    );
    const waiting = (await getSyncRun(db.knex, next.id))!;
    assert.equal(waiting.status, "queued", "it waits instead of planning the same orders");

    const finished = await waitForRun(db.knex, run.id, { intervalMs: 200, timeoutMs: 150_000 });
    assert.equal(finished.status, "succeeded", finished.error ?? "");
    const nextFinished = await waitForRun(db.knex, next.id, { intervalMs: 200, timeoutMs: 60_000 });
    assert.equal(nextFinished.status, "succeeded", nextFinished.error ?? "");
    assert.ok(
      (nextFinished.detail.waited ?? []).some((wait) => wait.runId === run.id && wait.until),
      "the new run records the wait",
    );
    const references = await linkedOrderReferences();
    assert.ok(references.length >= 50, `most demo orders are synced (${references.length})`);
    for (const reference of references) assert.equal(invoicesByReference().get(reference), 1, `order ${reference}: one invoice`);
  });

  for (const [round, point] of KILL_POINTS.slice(1).entries()) {
    test(`killed ${point.name}: the run resumes, the run started meanwhile waits, no order gets a second invoice`, async () => {
      createOrders(ORDERS_PER_ROUND, round + 1);
      const worker = workers.find(isRunning) ?? (await startWorkerProcess(workerEnv(), workers));
      const run = await request("incremental");
      runs.push(run);
      await killWhen(worker, point);
      await worker.exited;

      await startWorkerProcess(workerEnv(), workers);
      const next = await request("incremental");
      runs.push(next);
      const finished = await waitForRun(db.knex, run.id, { intervalMs: 200, timeoutMs: 150_000 });
      assert.equal(finished.status, "succeeded", finished.error ?? "");
      const nextFinished = await waitForRun(db.knex, next.id, { intervalMs: 200, timeoutMs: 60_000 });
      assert.equal(nextFinished.status, "succeeded", nextFinished.error ?? "");
      assert.ok(
        (nextFinished.detail.waited ?? []).some((wait) => wait.runId === run.id),
        "the run started meanwhile waited for the killed one",
      );

      const counts = invoicesByReference();
      const duplicated = [...counts].filter(([, count]) => count > 1);
      assert.deepEqual(duplicated, [], "no order has two invoices");
      const references = await linkedOrderReferences();
      for (const reference of references) assert.equal(counts.get(reference), 1, `order ${reference}: one invoice`);
      assert.equal(
        finished.counts.created + nextFinished.counts.created >= ORDERS_PER_ROUND,
        true,
        "the new orders were created by one run or the other",
      );
    });
  }

  test("two npm run sync started at once: one waits for the other, both succeed, no second invoice", async () => {
    await killAll(workers); // the CLIs run the sync themselves
    createOrders(ORDERS_PER_ROUND, 9);
    const [a, b] = await Promise.all([runCli(["--in-process"]), runCli(["--in-process"])]);
    assert.equal(a.code, 0, `${a.stdout}\n${a.stderr}`);
    assert.equal(b.code, 0, `${b.stdout}\n${b.stderr}`);
    assert.match(`${a.stdout}${b.stdout}`, /Waited .* for run [0-9a-f-]{36}/, "one of them says it waited for the other");
    const counts = invoicesByReference();
    assert.deepEqual(
      [...counts].filter(([, count]) => count > 1),
      [],
      "no order has two invoices",
    );
    for (const reference of await linkedOrderReferences()) assert.equal(counts.get(reference), 1, `order ${reference}: one invoice`);
  });

  test("every run ended truthfully, and a further run writes nothing", async () => {
    for (const run of runs) {
      const final = (await getSyncRun(db.knex, run.id))!;
      assert.equal(final.status, "succeeded", `run ${run.id}: ${final.error ?? ""}`);
      assert.equal(final.batchesDone, final.batchesTotal, `run ${run.id} did every batch`);
    }
    const pending = await db.knex("outbox").where({ status: "pending" }).select("lookup_key", "attempts", "created_at", "claimed_until");
    const linked = new Set(await linkedOrderReferences());
    assert.deepEqual(
      pending.map((row) => ({ ...row, linked: linked.has(row.lookup_key), invoices: invoicesByReference().get(row.lookup_key) ?? 0 })),
      [],
      "no invoice intent is left pending",
    );
    const writesBefore = chargebeeWrites();
    const cli = await runCli(["--in-process"]);
    assert.equal(cli.code, 0, `${cli.stdout}\n${cli.stderr}`);
    assert.equal(chargebeeWrites(), writesBefore, "the further run made no Chargebee write");
    const total = [...invoicesByReference().values()].reduce((sum, count) => sum + count, 0);
    assert.equal(total, (await linkedOrderReferences()).length, "one invoice per synced order, nothing else");
    // For the closing note: how many kills and what came of them.
    console.log(
      `# crash test: ${KILL_POINTS.length} kills, ${runs.length} runs, ${total} invoices for ${(await linkedOrderReferences()).length} synced orders`,
    );
  });
});
