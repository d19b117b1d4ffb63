// The run machinery (fan-out into batches, stage order, counts, failure, dry-run plan, two workers) with a small
// engine written for the test, so each behaviour of the queue side can be provoked on purpose. The real engine
// against the sandboxes is exercised in test/sync/*.
import { parseConflictPolicy } from "../../config/conflict-policy.js";
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../config/config.js";
import { startJobQueue, type JobQueue } from "../../jobs/queue.js";
import { silentLogger } from "../../logging/logger.js";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/database.js";
import { requestRecordSync, requestSyncRun } from "../commands/run-commands.js";
import type { SyncContext, WorkItem, WorkStage } from "../model/types.js";
import { startSyncWorker, type SyncWorker } from "../worker.js";
import { QUEUES } from "../../jobs/queue.js";
import { readRunReport } from "./report.js";
import { flowsOverlap } from "./admission.js";
import { getSyncRun, insertRun } from "./run-store.js";
import type { SyncClients, SyncEngine } from "./types.js";
import { waitForRun } from "./wait.js";

const config = loadConfig({ SYNC_BATCH_SIZE: "2", SYNC_POLL_INTERVAL_SECONDS: "0", SYNC_WORKER_CONCURRENCY: "2" });
// The scripted engine never calls the clients.
const clients = { poweroffice: {}, chargebee: {} } as unknown as SyncClients;

/** An engine over an in-memory "API": stage 1 = products (F7), stage 2 = orders (F8) that need them. */
class ScriptedEngine implements SyncEngine {
  processed: Array<{ key: string; stageFlow: string; dryRun: boolean }> = [];
  writes: string[] = [];
  failKeys = new Map<string, number>(); // key → how many attempts fail
  gate: Promise<void> | null = null;
  onProcess?: (key: string) => void;

  constructor(
    private products = 5,
    private orders = 3,
  ) {}

  readGate: Promise<void> | null = null;

  async readSources(ctx: SyncContext) {
    if (this.readGate) await this.readGate;
    await ctx.progress.add({ apiCalls: 2, seen: this.products + this.orders });
    return { changed: this.products + this.orders };
  }

  async planWork(): Promise<WorkStage[]> {
    const item = (flow: "F7" | "F8", n: number): WorkItem => ({ key: `${flow}:${n}`, records: [{ flow, sourceId: String(n) }] });
    return [
      { flows: ["F7"], items: Array.from({ length: this.products }, (_, n) => item("F7", n)) },
      { flows: ["F8"], items: Array.from({ length: this.orders }, (_, n) => item("F8", n)) },
      { flows: ["F9"], items: [] },
    ];
  }

  async processWork(ctx: SyncContext, items: WorkItem[]) {
    for (const item of items) {
      this.onProcess?.(item.key);
      if (this.gate) await this.gate;
      const failures = this.failKeys.get(item.key) ?? 0;
      if (failures > 0) {
        this.failKeys.set(item.key, failures - 1);
        throw new Error(`the API refused ${item.key}`);
      }
      this.processed.push({ key: item.key, stageFlow: item.records[0]!.flow, dryRun: ctx.dryRun });
      if (ctx.dryRun) {
        ctx.plan!.writes.push({
          flow: item.records[0]!.flow,
          action: "create",
          system: "chargebee",
          entity: "item",
          id: `po-${item.key}`,
          source: { system: "poweroffice", entity: "Product", id: item.records[0]!.sourceId },
        });
      } else {
        this.writes.push(item.key);
      }
      await ctx.progress.add({ seen: 1, created: 1, apiCalls: 1 });
    }
  }
}

let db: TestDatabase;
let queue: JobQueue;
let worker: SyncWorker | undefined;
let engine: ScriptedEngine;
const deps = () => ({ knex: db.knex, queue, logger: silentLogger });

async function startWorker(withEngine: ScriptedEngine, onQueue: JobQueue = queue) {
  return startSyncWorker({ db, queue: onQueue, config, logger: silentLogger, clients, engine: withEngine, poll: false });
}

before(async () => {
  db = await createTestDatabase();
  queue = await startJobQueue({
    db,
    logger: silentLogger,
    pollingIntervalSeconds: 0.5,
    retries: { limit: 1, delaySeconds: 0, backoff: false },
  });
});

after(async () => {
  await worker?.stop();
  await queue?.stop({ timeoutMs: 5_000 });
  await db?.dispose();
});

beforeEach(async () => {
  await worker?.stop();
  engine = new ScriptedEngine();
  worker = await startWorker(engine);
});

describe("a sync run on the queue", () => {
  test("a worker refuses to start when SYNC_CREATE_OFF names a flow that does not exist", async () => {
    const misconfigured = { ...config, sync: { ...config.sync, createOff: ["F4", "F99"] } };
    await assert.rejects(
      startSyncWorker({ db, queue, config: misconfigured, logger: silentLogger, clients, engine, poll: false }),
      /SYNC_CREATE_OFF names F99, which is not a flow \(flows: F1, .*F12\)/,
    );
  });

  test("a worker refuses to start when SYNC_CONFLICT_POLICY names a field a flow does not have", async () => {
    const conflictPolicy = parseConflictPolicy("email=manual,F1.company=chargebee").rules;
    const misconfigured = { ...config, sync: { ...config.sync, conflictPolicy } };
    await assert.rejects(
      startSyncWorker({ db, queue, config: misconfigured, logger: silentLogger, clients, engine, poll: false }),
      /SYNC_CONFLICT_POLICY: F1\.company=chargebee names the field company, which F1 does not have \(its fields: email, firstName, lastName\)/,
    );
  });

  test("fans out into batches of SYNC_BATCH_SIZE, stage by stage, and counts what every batch did", async () => {
    const queued = await requestSyncRun(deps(), { flows: ["F7", "F8"], mode: "full", requestedBy: "test" });
    assert.equal(queued.status, "queued");
    const run = await waitForRun(db.knex, queued.id, { intervalMs: 50 });

    assert.equal(run.status, "succeeded", run.error ?? "");
    assert.equal(run.batchesTotal, 5, "5 products in batches of 2 = 3, 3 orders = 2; the empty stage has none");
    assert.equal(run.batchesDone, 5);
    assert.deepEqual(run.counts, {
      seen: 16,
      created: 8,
      updated: 0,
      deleted: 0,
      unchanged: 0,
      conflicts: 0,
      quarantined: 0,
      apiCalls: 10,
      errors: 0,
      waiting: 0,
    });
    const lastProduct = Math.max(...engine.processed.map((p, i) => (p.stageFlow === "F7" ? i : -1)));
    const firstOrder = engine.processed.findIndex((p) => p.stageFlow === "F8");
    assert.ok(lastProduct < firstOrder, "every product batch finished before the first order batch started");
    assert.deepEqual(
      run.detail.stages?.map((s) => s.batches),
      [3, 2],
    );

    const report = await readRunReport(db.knex, run);
    assert.deepEqual(
      report.rows.map((row) => [row.label, row.counts.created, row.batches]),
      [
        ["read", 0, 0],
        ["F7", 5, 3],
        ["F8", 3, 2],
        ["total", 8, 5],
      ],
    );
  });

  test("shows progress while it runs: status running, batches done so far, counts so far", async () => {
    // The first order item holds its batch until the test has looked at the run.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const started = new Promise<void>((resolve) => {
      engine.onProcess = (key) => {
        if (key === "F8:0") {
          engine.gate = held;
          resolve();
        }
      };
    });
    const queued = await requestSyncRun(deps(), { flows: ["F7", "F8"], mode: "incremental", requestedBy: "test" });
    await started;
    const during = await waitForRun(db.knex, queued.id, {
      intervalMs: 50,
      signal: AbortSignal.abort(),
    });
    assert.equal(during.status, "running");
    assert.equal(during.detail.phase, "processing");
    assert.equal(during.detail.stage, 1, "the order stage is under way");
    assert.ok(during.batchesDone >= 3 && during.batchesDone < 5, `batches done so far: ${during.batchesDone}`);
    release();
    const run = await waitForRun(db.knex, queued.id, { intervalMs: 50 });
    assert.equal(run.status, "succeeded");
    assert.equal(run.counts.created, 8);
  });

  test("a batch that fails once is retried and the run still succeeds", async () => {
    engine.failKeys.set("F7:2", 1);
    const queued = await requestSyncRun(deps(), { flows: ["F7", "F8"], mode: "full", requestedBy: "test" });
    const run = await waitForRun(db.knex, queued.id, { intervalMs: 50 });
    assert.equal(run.status, "succeeded", run.error ?? "");
    assert.equal(engine.processed.filter((p) => p.key === "F7:2").length, 1);
    const batch = await db
      .knex("sync_run_batches")
      .where({ run_id: run.id })
      .whereRaw("items @> ?::jsonb", [JSON.stringify([{ key: "F7:2" }])])
      .first();
    assert.equal(batch.attempts, 2);
  });

  test("a batch that keeps failing fails the run with a readable reason, and no later stage starts", async () => {
    engine.failKeys.set("F7:4", 10);
    const queued = await requestSyncRun(deps(), { flows: ["F7", "F8"], mode: "full", requestedBy: "test" });
    const run = await waitForRun(db.knex, queued.id, { intervalMs: 50 });
    assert.equal(run.status, "failed");
    assert.match(run.error ?? "", /batch \d+ \(stage 1, F7\) failed: the API refused F7:4 \(after 2 attempts\)/);
    assert.equal(engine.processed.filter((p) => p.stageFlow === "F8").length, 0);
    assert.ok(run.finishedAt);
  });

  test("a dry run writes nothing and returns its plan in detail", async () => {
    const queued = await requestSyncRun(deps(), { flows: ["F7", "F8"], mode: "dry-run", requestedBy: "test" });
    const run = await waitForRun(db.knex, queued.id, { intervalMs: 50 });
    assert.equal(run.status, "succeeded");
    assert.deepEqual(engine.writes, []);
    assert.ok(engine.processed.every((p) => p.dryRun));
    assert.equal(run.detail.plan?.writes.length, 8);
    assert.deepEqual(run.detail.plan?.totals, { create: 8, quarantine: 0 });
    assert.equal(run.detail.plan?.truncated, false);
  });

  test("bad input is refused with a clear message and creates no run", async () => {
    const before = await db.knex("sync_runs").count<{ count: number }[]>("* as count");
    await assert.rejects(requestSyncRun(deps(), { flows: ["F1", "F42"], mode: "full", requestedBy: "test" }), /Unknown flow\(s\): F42/);
    await assert.rejects(requestSyncRun(deps(), { mode: "sometimes", requestedBy: "test" }), /Unknown sync mode "sometimes"/);
    await assert.rejects(requestSyncRun(deps(), { mode: "full", requestedBy: " " }), /requestedBy/);
    const afterCount = await db.knex("sync_runs").count<{ count: number }[]>("* as count");
    assert.equal(Number(afterCount[0]!.count), Number(before[0]!.count));
  });

  test("two workers (two queue instances) share one run's batches; each item is processed once", async () => {
    const secondQueue = await startJobQueue({
      db,
      logger: silentLogger,
      pollingIntervalSeconds: 0.5,
      retries: { limit: 1, delaySeconds: 0, backoff: false },
    });
    await worker?.stop();
    const big = new ScriptedEngine(40, 20);
    const firstWorker = await startWorker(big);
    const secondWorker = await startWorker(big, secondQueue);
    worker = firstWorker;
    try {
      const queued = await requestSyncRun(deps(), { flows: ["F7", "F8"], mode: "full", requestedBy: "test" });
      const run = await waitForRun(db.knex, queued.id, { intervalMs: 50 });
      assert.equal(run.status, "succeeded", run.error ?? "");
      assert.equal(run.batchesDone, 30);
      const keys = big.processed.map((p) => p.key);
      assert.equal(keys.length, 60);
      assert.equal(new Set(keys).size, 60, "no item was processed twice");
      assert.equal(run.counts.created, 60);
    } finally {
      await secondWorker.stop();
      await secondQueue.stop({ timeoutMs: 5_000 });
    }
  });

  test("syncing one record processes only the work that involves it", async () => {
    await db.knex("dataset_records").insert({ system: "poweroffice", entity: "Product", source_id: "2", data: "{}", content_hash: "x" });
    const queued = await requestRecordSync(deps(), { system: "poweroffice", entity: "Product", sourceId: "2", requestedBy: "test" });
    assert.deepEqual(queued.flows, ["F7"]);
    const run = await waitForRun(db.knex, queued.id, { intervalMs: 50 });
    assert.equal(run.status, "succeeded", run.error ?? "");
    assert.deepEqual(
      engine.processed.map((p) => p.key),
      ["F7:2"],
    );
    await assert.rejects(
      requestRecordSync(deps(), { system: "poweroffice", entity: "Product", sourceId: "999", requestedBy: "test" }),
      /No poweroffice Product with id "999" has been read yet/,
    );
    await assert.rejects(
      requestRecordSync(deps(), { system: "chargebee", entity: "plan", sourceId: "1", requestedBy: "test" }),
      /No flow syncs chargebee "plan" records/,
    );
  });

  test("the incremental poll runs on its schedule and never while a run is queued or running", async () => {
    await worker?.stop();
    const polling = new ScriptedEngine(1, 1);
    let release!: () => void;
    polling.gate = new Promise<void>((resolve) => (release = resolve));
    const pollConfig = loadConfig({ SYNC_BATCH_SIZE: "2", SYNC_POLL_INTERVAL_SECONDS: "1" });
    worker = await startSyncWorker({ db, queue, config: pollConfig, logger: silentLogger, clients, engine: polling });
    const scheduled = async () => db.knex("sync_runs").where({ requested_by: "schedule" }).orderBy("created_at");
    const before = (await scheduled()).length;
    // The first poll's run is held at its first item; later polls must not start another run meanwhile.
    let first: Array<{ id: string; status: string }>;
    while ((first = await scheduled()).length === before) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await worker.pollNow(), null, "no poll while a run is running");
    const stillOne = (await scheduled()).length;
    assert.equal(stillOne, before + 1);
    release();
    const run = await waitForRun(db.knex, first[first.length - 1]!.id, { intervalMs: 50 });
    assert.equal(run.status, "succeeded");
    assert.equal(run.mode, "incremental");
  });
});

describe("runs over the same records never run at once", () => {
  test("flows overlap when they share a source or target type, a group or an outbox", () => {
    assert.equal(flowsOverlap(["F1"], ["F2"]), true, "both write Chargebee customers (and are one group of people)");
    assert.equal(flowsOverlap(["F3"], ["F5"]), true, "both read PowerOffice customers");
    assert.equal(flowsOverlap(["F9"], ["F8"]), true, "lines are their orders' work");
    assert.equal(flowsOverlap(["F7"], ["F1", "F2", "F3"]), false, "products and people share nothing");
    assert.equal(flowsOverlap(["F6"], ["F8"]), false);
  });

  test("a run over overlapping flows waits for the running one, says so, and starts when it ends", async (t) => {
    // A worker takes one run job at a time: a second worker, as a second process would, takes the waiting run's job.
    const secondWorker = await startWorker(engine);
    let release!: () => void;
    engine.readGate = new Promise<void>((resolve) => (release = resolve));
    // A failed assertion must not leave the gate shut: stopping the workers would wait for ever.
    t.after(async () => {
      release();
      engine.readGate = null;
      await secondWorker.stop();
    });
    const first = await requestSyncRun(deps(), { flows: ["F7"], mode: "full", requestedBy: "test" });
    await waitUntil(async () => (await getSyncRun(db.knex, first.id))?.status === "running");
    const second = await requestSyncRun(deps(), { flows: ["F7", "F8"], mode: "full", requestedBy: "test" });
    await waitUntil(async () => (await getSyncRun(db.knex, second.id))?.detail.waitingFor?.runId === first.id);
    const waiting = (await getSyncRun(db.knex, second.id))!;
    assert.equal(waiting.status, "queued");
    assert.equal(waiting.detail.phase, "waiting");
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.equal((await getSyncRun(db.knex, second.id))!.status, "queued", "still waiting while the first runs");

    release();
    engine.readGate = null;
    const done = await waitForRun(db.knex, first.id, { intervalMs: 50 });
    const after = await waitForRun(db.knex, second.id, { intervalMs: 50, timeoutMs: 20_000 });
    assert.equal(done.status, "succeeded");
    assert.equal(after.status, "succeeded");
    assert.ok(after.startedAt! >= done.finishedAt!, "the waiting run started only after the first ended");
    const waits = after.detail.waited ?? [];
    assert.equal(waits.length, 1);
    assert.equal(waits[0]!.runId, first.id);
    assert.ok(waits[0]!.until, "the wait's end is recorded");
    const report = await readRunReport(db.knex, after);
    assert.equal(report.waited[0]?.run?.id, first.id, "the report names the run it waited for and what it did");
  });

  test("a running run with no job left is failed, so the runs behind it can start", async () => {
    const abandoned = await insertRun(db.knex, { flows: ["F7"], mode: "full", requestedBy: "test" });
    await db.knex("sync_runs").where({ id: abandoned.id }).update({ status: "running", started_at: db.knex.fn.now() });
    const next = await requestSyncRun(deps(), { flows: ["F7"], mode: "full", requestedBy: "test" });
    const finished = await waitForRun(db.knex, next.id, { intervalMs: 50, timeoutMs: 20_000 });
    assert.equal(finished.status, "succeeded");
    const gone = (await getSyncRun(db.knex, abandoned.id))!;
    assert.equal(gone.status, "failed");
    assert.match(gone.error ?? "", /none of its jobs is left to resume it/);
  });

  test("a second job for a running run leaves it to the job that carries it", async (t) => {
    let release!: () => void;
    engine.readGate = new Promise<void>((resolve) => (release = resolve));
    t.after(() => {
      release();
      engine.readGate = null;
    });
    let reads = 0;
    const read = engine.readSources.bind(engine);
    engine.readSources = async (ctx) => {
      reads += 1;
      return read(ctx);
    };
    const run = await requestSyncRun(deps(), { flows: ["F7"], mode: "full", requestedBy: "test" });
    await waitUntil(async () => (await getSyncRun(db.knex, run.id))?.status === "running");
    await queue.send(QUEUES.syncRun, { runId: run.id });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    release();
    engine.readGate = null;
    const done = await waitForRun(db.knex, run.id, { intervalMs: 50 });
    assert.equal(done.status, "succeeded");
    assert.equal(reads, 1, "the sources were read once");
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
