import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../../test/helpers/database.js";
import { silentLogger } from "../logging/logger.js";
import { QUEUES, startJobQueue, type JobQueue } from "./queue.js";

let db: TestDatabase;
let queue: JobQueue;

before(async () => {
  db = await createTestDatabase();
  await db.knex.schema.createTable("queue_test_marks", (t) => {
    t.increments("id");
    t.text("label").notNullable();
  });
  queue = await startJobQueue({ db, logger: silentLogger, pollingIntervalSeconds: 0.5 });
});

after(async () => {
  await queue?.stop({ timeoutMs: 5_000 });
  await db?.dispose();
});

test("a job sent to a queue is handed to its worker with its data", async () => {
  const received = new Promise<object>((resolve) => {
    void queue.work<{ marker: string }>(QUEUES.syncDead, {}, async (job) => {
      resolve(job.data);
    });
  });
  await queue.send(QUEUES.syncDead, { marker: "hello" });
  assert.deepEqual(await received, { marker: "hello" });
  await queue.offWork(QUEUES.syncDead);
});

test("pg-boss keeps working while a knex transaction is open, and a rolled-back transaction takes none of its work", async () => {
  let releaseTransaction!: () => void;
  const transactionMayEnd = new Promise<void>((resolve) => (releaseTransaction = resolve));
  let transactionStarted!: () => void;
  const started = new Promise<void>((resolve) => (transactionStarted = resolve));

  const transaction = db.knex
    .transaction(async (trx) => {
      await trx("queue_test_marks").insert({ label: "rolled back" });
      transactionStarted();
      await transactionMayEnd;
      throw new Error("roll back on purpose");
    })
    .catch((error: Error) => error.message);

  await started;
  // Sent while the transaction is open: on the embedded database this waits for the one connection; it must not
  // run inside the transaction (which is rolled back below) nor deadlock.
  const sending = queue.send(QUEUES.syncPoll, { at: "during transaction" });
  const knexOutside = db.knex("queue_test_marks").insert({ label: "outside" });
  releaseTransaction();
  assert.equal(await transaction, "roll back on purpose");
  const jobId = await sending;
  await knexOutside;
  assert.ok(jobId, "the job was created");

  const jobs = await queue.boss.findJobs(QUEUES.syncPoll, { id: jobId! });
  assert.equal(jobs.length, 1, "the job survived the rollback of the knex transaction");
  const labels = (await db.knex("queue_test_marks").select("label")).map((row: { label: string }) => row.label);
  assert.deepEqual(labels, ["outside"]);
  await queue.boss.deleteAllJobs(QUEUES.syncPoll);
});

test("a job sent with transactionDb commits and rolls back with the knex transaction", async () => {
  await db.knex
    .transaction(async (trx) => {
      await queue.send(QUEUES.syncBatch, { tag: "rolled-back" }, { db: queue.transactionDb(trx) });
      throw new Error("roll back");
    })
    .catch(() => {});
  await db.knex.transaction(async (trx) => {
    await queue.send(QUEUES.syncBatch, { tag: "committed" }, { db: queue.transactionDb(trx) });
  });
  const jobs = await queue.boss.findJobs<{ tag: string }>(QUEUES.syncBatch);
  assert.deepEqual(
    jobs.map((job) => job.data.tag),
    ["committed"],
  );
  await queue.boss.deleteAllJobs(QUEUES.syncBatch);
});

test("many knex transactions and pg-boss jobs interleave without corruption or deadlock", async () => {
  const handled: number[] = [];
  const allHandled = new Promise<void>((resolve) => {
    void queue.work<{ n: number }>(QUEUES.syncRun, { localConcurrency: 2 }, async (job) => {
      await db.knex.transaction(async (trx) => {
        await trx("queue_test_marks").insert({ label: `job ${job.data.n}` });
      });
      handled.push(job.data.n);
      if (handled.length === 20) resolve();
    });
  });
  const work: Array<Promise<unknown>> = [];
  for (let n = 0; n < 20; n++) {
    work.push(queue.send(QUEUES.syncRun, { n }));
    work.push(db.knex.transaction(async (trx) => trx("queue_test_marks").insert({ label: `tx ${n}` })));
  }
  await Promise.all(work);
  await allHandled;
  await queue.offWork(QUEUES.syncRun);
  assert.deepEqual(
    [...handled].sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, n) => n),
  );
  const rows = await db.knex("queue_test_marks").where("label", "like", "job %").count<{ count: number }[]>("* as count");
  assert.equal(Number(rows[0]!.count), 20);
});

test("a poll job is never queued twice (exclusive policy)", async () => {
  const first = await queue.send(QUEUES.syncPoll, {});
  const second = await queue.send(QUEUES.syncPoll, {});
  assert.ok(first);
  assert.equal(second, null, "the second poll was refused while the first is queued");
  await queue.boss.deleteAllJobs(QUEUES.syncPoll);
});
