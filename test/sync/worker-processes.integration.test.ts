// Worker processes against both sandboxes: a worker killed with SIGKILL in the middle of a run and started again,
// and two workers sharing one run. The sandboxes run in this process (port 0); the workers are child processes
// (`node --import tsx src/sync/worker-main.ts`) pointed at them and at this file's database through the environment.
//
// Several processes cannot open one embedded (PGlite) database, so this needs a PostgreSQL server: it runs when
// DATABASE_URL is set (CI runs the suite both ways) and is skipped with the reason otherwise.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startChargebeeSandbox, type ChargebeeSandbox } from "../../src/connectors/chargebee/sandbox/index.js";
import { startPowerOfficeSandbox, type PowerOfficeSandbox } from "../../src/connectors/poweroffice/sandbox/index.js";
import { startJobQueue, type JobQueue } from "../../src/jobs/queue.js";
import { silentLogger } from "../../src/logging/logger.js";
import { requestSyncRun } from "../../src/sync/commands/run-commands.js";
import type { SyncRunRow } from "../../src/sync/runs/types.js";
import { waitForRun } from "../../src/sync/runs/wait.js";
import { createTestDatabase, usingServer, type TestDatabase } from "../helpers/database.js";
import { killAll, sandboxEnv, startWorkerProcess, until, type WorkerProcess } from "./support/worker-process.js";
const SKIP = usingServer ? false : "needs PostgreSQL: set DATABASE_URL (several worker processes cannot share the embedded database)";

let db: TestDatabase;
let po: PowerOfficeSandbox;
let cb: ChargebeeSandbox;
let queue: JobQueue;
const workers: WorkerProcess[] = [];

function databaseUrl(): string {
  const connection = (db.knex.client as { config: { connection: { connectionString: string } } }).config.connection;
  return connection.connectionString;
}

function startWorker(): Promise<WorkerProcess> {
  return startWorkerProcess(
    sandboxEnv({ databaseUrl: databaseUrl(), po, cb, extra: { SYNC_BATCH_SIZE: "2", SYNC_WORKER_CONCURRENCY: "2" } }),
    workers,
  );
}

/** Customers sharing one (case-folded) email, and invoices sharing one PowerOffice order reference. */
function chargebeeDuplicates(): { customers: string[]; invoices: string[] } {
  const byEmail = new Map<string, number>();
  for (const row of cb.store.dump("customer")) {
    if (row.deleted || typeof row.email !== "string" || !row.email) continue;
    const email = row.email.toLowerCase();
    byEmail.set(email, (byEmail.get(email) ?? 0) + 1);
  }
  const byReference = new Map<string, number>();
  for (const row of cb.store.dump("invoice")) {
    if (row.deleted || typeof row.po_number !== "string" || !row.po_number) continue;
    byReference.set(row.po_number, (byReference.get(row.po_number) ?? 0) + 1);
  }
  return {
    customers: [...byEmail]
      .filter(([, n]) => n > 1)
      .map(([email]) => email)
      .sort(),
    invoices: [...byReference]
      .filter(([, n]) => n > 1)
      .map(([reference]) => reference)
      .sort(),
  };
}

function request(mode: "full" | "incremental"): Promise<SyncRunRow> {
  return requestSyncRun({ knex: db.knex, queue, logger: silentLogger }, { mode, requestedBy: "test" });
}

async function linkedCustomer(flow: string, sourceId: string): Promise<Record<string, unknown> | undefined> {
  const link = await db
    .knex("links as p")
    .join("links as c", "c.unified_id", "p.unified_id")
    .where({ "p.flow": flow, "p.system": "poweroffice", "p.source_id": sourceId, "c.system": "chargebee", "c.entity": "customer" })
    .first("c.source_id");
  return link ? cb.store.dump("customer").find((row) => row.id === link.source_id) : undefined;
}

describe("sync worker processes", { skip: SKIP, timeout: 180_000 }, () => {
  let seededDuplicates: { customers: string[]; invoices: string[] };

  before(async () => {
    db = await createTestDatabase();
    po = await startPowerOfficeSandbox({ size: "demo", seed: 7 });
    cb = await startChargebeeSandbox({ size: "demo", seed: 7 });
    queue = await startJobQueue({ db, logger: silentLogger, schedule: false });
    seededDuplicates = chargebeeDuplicates();
  });

  after(async () => {
    await killAll(workers);
    await queue?.stop({ timeoutMs: 5_000 });
    await po?.close();
    await cb?.close();
    await db?.dispose();
  });

  test("a worker killed with SIGKILL mid-run and started again finishes the run: no duplicates, every edit arrives", async () => {
    const first = await startWorker();
    const run = await request("full");
    // Kill it once some batches are done and others are not.
    await until(async () => {
      const progress = await db.knex("sync_runs").where({ id: run.id }).first("batches_done", "batches_total");
      return progress.batches_total > 0 && progress.batches_done >= 2;
    });
    first.child.kill("SIGKILL");
    await first.exited;
    const atKill = (await db.knex("sync_runs").where({ id: run.id }).first())!;
    assert.equal(first.child.signalCode, "SIGKILL");
    assert.equal(atKill.status, "running", "the run was cut short in the middle");
    assert.ok(atKill.batches_done < atKill.batches_total, `killed with ${atKill.batches_done}/${atKill.batches_total} batches done`);

    // Edits in PowerOffice while no worker runs.
    const special = po.store.special;
    const people = po.store
      .all("ContactPersons")
      .filter((row) => row.Id !== special.sharedPerson.contactPersonId && row.Id !== special.invalidEmailContactPerson.id)
      .filter((row) => typeof row.EmailAddress === "string" && /^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(row.EmailAddress))
      .slice(0, 3);
    for (const [index, person] of people.entries()) po.store.edit("ContactPersons", Number(person.Id), { FirstName: `Edited${index}` });

    await startWorker();
    const finished = await waitForRun(db.knex, run.id, { intervalMs: 100, timeoutMs: 120_000 });
    assert.equal(finished.status, "succeeded", finished.error ?? "");
    assert.equal(finished.batchesDone, finished.batchesTotal);
    assert.deepEqual(chargebeeDuplicates(), seededDuplicates, "no customer or invoice was created twice");

    const next = await waitForRun(db.knex, (await request("incremental")).id, { intervalMs: 100, timeoutMs: 120_000 });
    assert.equal(next.status, "succeeded", next.error ?? "");
    for (const [index, person] of people.entries()) {
      const customer = await linkedCustomer("F1", String(person.Id));
      assert.ok(customer, `contact person ${person.Id} has a Chargebee customer`);
      assert.equal(customer.first_name, `Edited${index}`, `the edit of contact person ${person.Id} reached Chargebee`);
    }
    assert.deepEqual(chargebeeDuplicates(), seededDuplicates);
  });

  test("two workers at once share one run; nothing is created twice", async () => {
    // The worker of the test above goes on; a second one joins. New people in PowerOffice give them work.
    const one = workers.find((worker) => worker.child.exitCode === null && worker.child.signalCode === null)!;
    assert.ok(one, "the restarted worker is still running");
    const two = await startWorker();
    const company = po.store.all("Customers").find((row) => !row.IsPerson)!;
    for (let n = 0; n < 60; n++) {
      po.store.create("ContactPersons", { FirstName: `Ny${n}`, LastName: "Kollega", EmailAddress: `ny.kollega.${n}@example.no` }, Number(company.Id));
    }
    const linesBefore = [one.output.length, two.output.length];
    const run = await waitForRun(db.knex, (await request("incremental")).id, { intervalMs: 100, timeoutMs: 120_000 });
    assert.equal(run.status, "succeeded", run.error ?? "");
    assert.equal(run.batchesDone, run.batchesTotal);
    assert.ok(run.counts.created >= 60, `the 60 new people were created (${run.counts.created})`);
    assert.deepEqual(chargebeeDuplicates(), seededDuplicates, "no customer or invoice was created twice");
    const batchesBy = (worker: WorkerProcess, from: number) =>
      worker.output.slice(from).filter((line) => line.includes('"msg":"batch done"') && line.includes(run.id)).length;
    const [byOne, byTwo] = [batchesBy(one, linesBefore[0]!), batchesBy(two, linesBefore[1]!)];
    assert.equal(byOne + byTwo, run.batchesTotal, "every batch was done exactly once");
    assert.ok(byOne > 0 && byTwo > 0, `both workers took batches (${byOne} and ${byTwo})`);
  });
});
