// npm run bench:sync -- [--scale 0.1] [--contact-persons N] [--customers N] [--products N] [--orders N] [--lines N] [--no-webhooks]
//
// Both sandboxes (rate limits off) in this process, seeded with the given numbers on top of their small demo data;
// the database of DATABASE_URL (a fresh database on that server) or an in-memory embedded one; a sync worker taking
// jobs from the queue, as `npm run worker` does (with PostgreSQL in a process of its own). Chargebee webhooks are on
// as in `npm start`: the Chargebee sandbox delivers its events to a receiver in this process (same database), which
// wakes a sync only when a delivered record is work for it, and the worker's polls leave Chargebee to the webhooks
// (its catch-up read, CHARGEBEE_CATCHUP_INTERVAL_SECONDS, is not due within the bench). --no-webhooks: every poll
// lists Chargebee, as without a receiver. Measures:
//   1. the initial sync (a queued incremental run, what the first poll does): records/s, API calls per kind next to
//      the minimum the work needs (bench/sync-calls.ts says what it counts);
//   2. one contact person edited in PowerOffice once the initial sync's webhook echoes have drained, then the next
//      poll: delay from the poll to the run's end, API calls beyond the poll's list calls, calls against the minimum;
//   3. peak RSS of the worker process (or of this process, sandboxes and database included, when embedded).
// BENCH_WORKER_NODE_ARGS adds node options to the worker process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
// BENCH_WORKER_DIST runs the worker from another checkout's bench build (its .data-test/bench-dist), to measure a change
// against the code as it is; BENCH_WORKER_NODE_FLAGS replaces npm run worker's node flags (e.g. "" for none).
import { parseArgs } from "node:util";
import { spawn } from "node:child_process";
import { benchRuntime } from "./compiled.js";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import knexFactory from "knex";
import { loadConfig, withChargebeeWebhooks } from "../src/config/config.js";
import { createChargebeeClient, createChargebeeWebhookHandler } from "../src/connectors/chargebee/index.js";
import { startChargebeeSandbox } from "../src/connectors/chargebee/sandbox/index.js";
import { createPowerOfficeClient } from "../src/connectors/poweroffice/index.js";
import { startPowerOfficeSandbox } from "../src/connectors/poweroffice/sandbox/index.js";
import { openDatabase, type Database } from "../src/db/database.js";
import { migrateLatest } from "../src/db/migrate.js";
import { startJobQueue } from "../src/jobs/queue.js";
import { createLogger, silentLogger } from "../src/logging/logger.js";
import { createWebhookSyncWaker, requestSyncRun, startSyncWorker, waitForRun, type SyncRunRow } from "../src/sync/index.js";
import { freePort } from "../test/helpers/free-port.js";
import { callTable, chargebeeGroup, minimumCalls, powerOfficeGroup, snapshotSources, type MinimumInput } from "./sync-calls.js";

const USAGE = `Usage: npm run bench:sync -- [--scale F] [--contact-persons N] [--customers N] [--products N] [--orders N] [--lines N]
                          [--chargebee-customers N] [--chargebee-items N] [--no-webhooks]
  Defaults: 10000 contact persons, 2000 customers (70% companies), 1000 products, 5000 orders with 3 lines each in
  PowerOffice; 1000 customers (30% companies) and 100 items born in Chargebee (F10, F11 create them in PowerOffice).
  --scale multiplies every count (e.g. --scale 0.1 for a quick run).
  --no-webhooks: no Chargebee webhook receiver, so every poll lists Chargebee.`;

function readOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        scale: { type: "string" },
        "contact-persons": { type: "string" },
        customers: { type: "string" },
        products: { type: "string" },
        orders: { type: "string" },
        lines: { type: "string" },
        "chargebee-customers": { type: "string" },
        "chargebee-items": { type: "string" },
        "no-webhooks": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name: string, raw: string | undefined, fallback: number, { min = 0, integer = true } = {}) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      console.error(`--${name} must be a ${integer ? "whole " : ""}number ≥ ${min}, got "${raw}"\n${USAGE}`);
      process.exit(2);
    }
    return value;
  };
  const scale = number("scale", values.scale, 1, { min: 0.0001, integer: false });
  const scaled = (n: number) => Math.max(1, Math.round(n * scale));
  return {
    contactPersons: number("contact-persons", values["contact-persons"], scaled(10_000)),
    customers: number("customers", values.customers, scaled(2_000), { min: 2 }),
    products: number("products", values.products, scaled(1_000), { min: 1 }),
    orders: number("orders", values.orders, scaled(5_000)),
    lines: number("lines", values.lines, 3, { min: 1 }),
    chargebeeCustomers: number("chargebee-customers", values["chargebee-customers"], scaled(1_000)),
    chargebeeItems: number("chargebee-items", values["chargebee-items"], scaled(100)),
    webhooks: !values["no-webhooks"],
  };
}

const sizes = readOptions();
const fmt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });
const mb = (bytes: number) => `${fmt.format(bytes / 1024 / 1024)} MB`;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);

// --- database -------------------------------------------------------------------------------------------------------
async function openBenchDatabase(): Promise<{ db: Database; url?: string; dispose(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const db = await openDatabase({ dataDir: ".data-bench", poolMax: 1 }, { inMemory: true });
    return { db, dispose: () => db.close() };
  }
  const name = `bench_sync_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = knexFactory({ client: "pg", connection: serverUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), dataDir: ".data-bench", poolMax: 10 });
  return {
    db,
    url: url.toString(),
    dispose: async () => {
      await db.close();
      await admin.raw(`drop database if exists ${name} with (force)`);
      await admin.destroy();
    },
  };
}
const { db, url: databaseUrl, dispose } = await openBenchDatabase();
await migrateLatest(db.knex);

// --- the Chargebee webhook receiver (as npm start mounts it at /webhooks/chargebee) ----------------------------------
const webhookAuth = sizes.webhooks ? { username: "bench-webhooks", password: randomBytes(18).toString("hex") } : undefined;
const receiverStats = { events: 0, eventsChangingRecords: 0, changedRecords: 0, syncsWoken: 0 };
let requestWakeSync: () => Promise<unknown> = async () => {};
const waker = createWebhookSyncWaker({
  knex: db.knex,
  logger: silentLogger,
  requestSync: async () => {
    receiverStats.syncsWoken++;
    return requestWakeSync();
  },
});
// The sandbox's port is chosen up front: the receiver's client (it confirms every delivery) needs it before the sandbox
// starts delivering.
const chargebeeSandboxPort = await freePort();
const webhookHandler = webhookAuth
  ? createChargebeeWebhookHandler({
      knex: db.knex,
      chargebee: createChargebeeClient({ mode: "sandbox", sandboxPort: chargebeeSandboxPort, requestsPerMinute: 0 }),
      ...webhookAuth,
      onChanges: (result) => {
        receiverStats.eventsChangingRecords++;
        receiverStats.changedRecords += result.changed.length;
        waker.onChanges(result);
      },
    })
  : undefined;
const receiver = http.createServer((req, res) => {
  receiverStats.events++;
  void webhookHandler?.(req, res);
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/chargebee`;

// --- sandboxes -----------------------------------------------------------------------------------------------------
const po = await startPowerOfficeSandbox({ size: "demo", seed: 1, requestLogCapacity: 5_000_000 });
const cb = await startChargebeeSandbox({
  port: chargebeeSandboxPort,
  size: "demo",
  seed: 1,
  requestLogSize: 5_000_000,
  webhook: webhookAuth ? { url: webhookUrl, ...webhookAuth } : undefined,
});
const store = po.store.raw;
const lenient = { strictEmail: false };
const template = po.store.all("Products")[0]!;
const companies: number[] = [];
const persons: number[] = [];
const products: number[] = [];
const companyCount = Math.max(1, Math.round(sizes.customers * 0.7));
for (let i = 0; i < sizes.customers; i++) {
  const fields =
    i < companyCount
      ? { Name: `Benk Firma ${i} AS`, EmailAddress: `post@benk-firma-${i}.no` }
      : { IsPerson: true, FirstName: `Person${i}`, LastName: "Benk", EmailAddress: `person.${i}@benk.no` };
  const id = store.createRecord("Customers", fields, lenient, undefined, { at: Date.now() * 1000, id: store.allocateContactId() }).dto.Id as number;
  (i < companyCount ? companies : persons).push(id);
}
for (let i = 0; i < sizes.contactPersons; i++) {
  store.createRecord(
    "ContactPersons",
    { FirstName: `Kontakt${i}`, LastName: "Benk", EmailAddress: `kontakt.${i}@benk-firma-${i % companies.length}.no` },
    lenient,
    companies[i % companies.length],
  );
}
for (let i = 0; i < sizes.products; i++) {
  products.push(
    store.createRecord(
      "Products",
      {
        Code: `B-${i}`,
        Name: `Benkprodukt ${i}`,
        UnitPrice: 100 + (i % 900),
        StandardSalesAccountId: template.StandardSalesAccountId,
        OptionalSalesAccountId: template.OptionalSalesAccountId,
      },
      lenient,
    ).dto.Id as number,
  );
}
for (let i = 0; i < sizes.orders; i++) {
  const lines = Array.from({ length: sizes.lines }, (_, l) => ({
    ProductId: products[(i * sizes.lines + l) % products.length],
    Quantity: 1 + ((i + l) % 5),
  }));
  store.createSalesOrder({ CustomerId: companies[i % companies.length], SalesOrderLines: lines }, lenient, false);
}
// Records born in Chargebee (made in its admin, so no webhook of theirs reaches the receiver before the sync).
const seedContext = { source: "admin_console" as const, user: "bench", webhook: false };
const itemFamily = String(cb.store.dump("item")[0]!.item_family_id);
for (let i = 0; i < sizes.chargebeeCustomers; i++) {
  cb.store.createCustomer(
    i % 10 < 3
      ? { id: `cb-benk-firma-${i}`, company: `Chargebee Firma ${i} AS`, email: `post@cb-firma-${i}.no` }
      : { id: `cb-benk-person-${i}`, first_name: `Kunde${i}`, last_name: "Chargebee", email: `kunde.${i}@cb-benk.no` },
    seedContext,
  );
}
for (let i = 0; i < sizes.chargebeeItems; i++) {
  cb.store.createItem(
    { id: `cb-benk-plan-${i}`, name: `Chargebee-plan ${i}`, item_family_id: itemFamily, type: i % 2 ? "plan" : "addon" },
    seedContext,
  );
}
const poCounts = po.store.counts();
const powerOfficeRecords = Object.values(poCounts).reduce((a, b) => a + b, 0);
const chargebeeBorn = sizes.chargebeeCustomers + sizes.chargebeeItems;
const sourceRecords = powerOfficeRecords + chargebeeBorn;

// --- queue and worker -------------------------------------------------------------------------------------------
const loaded = loadConfig({ ...process.env, SYNC_POLL_INTERVAL_SECONDS: "0", LOG_LEVEL: "warn" });
const config = webhookAuth ? withChargebeeWebhooks(loaded) : loaded;
const benchLogger = createLogger({ level: process.env.LOG_LEVEL ?? "warn", format: "json", name: "bench" });
// With PostgreSQL the worker is a process of its own (npm run worker), so its memory is measured alone; the embedded
// database can only be opened by one process, so there the worker runs in this one.
// Its node arguments are those of `npm run worker` in package.json (heap settings included); BENCH_WORKER_NODE_ARGS
// come after them, before the script, so they can override them.
const workerScript = (JSON.parse(fs.readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts.worker!;
if (!workerScript.startsWith("node ")) throw new Error(`bench:sync expects "npm run worker" to be "node <args> <script>", not "${workerScript}"`);
// The worker runs compiled, as production runs it (bench/compiled.ts), with npm run worker's node flags.
const runtime = databaseUrl ? benchRuntime() : undefined;
const workerFlags =
  process.env.BENCH_WORKER_NODE_FLAGS !== undefined
    ? process.env.BENCH_WORKER_NODE_FLAGS.split(" ").filter(Boolean)
    : workerScript
        .split(/\s+/)
        .slice(1)
        .filter((word) => word.startsWith("--") && word !== "--import" && word !== "tsx");
const workerEntry = process.env.BENCH_WORKER_DIST
  ? [`${process.env.BENCH_WORKER_DIST}/src/sync/worker-main.js`]
  : runtime?.args("src/sync/worker-main.ts");
if (process.env.BENCH_WORKER_DIST && !fs.existsSync(workerEntry![0]!)) throw new Error(`BENCH_WORKER_DIST: ${workerEntry![0]} does not exist`);
const workerArgs = runtime ? [...workerFlags, ...workerEntry!] : workerScript.split(/\s+/).slice(1);
const workerProcess = databaseUrl
  ? spawn(
      process.execPath,
      [...workerArgs.slice(0, -1), ...(process.env.BENCH_WORKER_NODE_ARGS?.split(" ").filter(Boolean) ?? []), workerArgs.at(-1)!],
      {
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          POWEROFFICE_API_BASE_URL: po.apiBaseUrl,
          POWEROFFICE_TOKEN_URL: po.tokenUrl,
          POWEROFFICE_REQUESTS_PER_SECOND: "0",
          CHARGEBEE_SANDBOX_PORT: String(cb.port),
          CHARGEBEE_REQUESTS_PER_MINUTE: "0",
          SYNC_POLL_INTERVAL_SECONDS: "0",
          ...(webhookAuth ? { CHARGEBEE_WEBHOOK_USERNAME: webhookAuth.username, CHARGEBEE_WEBHOOK_PASSWORD: webhookAuth.password } : {}),
          LOG_FORMAT: "json",
          LOG_LEVEL: "info",
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    )
  : undefined;
if (workerProcess) {
  await new Promise<void>((resolve, reject) => {
    let seen = "";
    workerProcess.stdout!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes("sync worker started")) resolve();
      if (seen.length > 100_000) seen = seen.slice(-1000);
    });
    workerProcess.once("exit", (code) => reject(new Error(`the worker process exited with ${code}`)));
  });
}
const queue = await startJobQueue({ db, logger: benchLogger, pollingIntervalSeconds: 0.5, schedule: !workerProcess });
const clients = {
  poweroffice: createPowerOfficeClient(po.config(), { requestsPerSecond: 0 }),
  chargebee: createChargebeeClient({ ...cb.clientConfig, requestsPerMinute: 0, maxConcurrency: config.chargebee.maxConcurrency }),
};
const worker = workerProcess ? undefined : await startSyncWorker({ db, queue, config, logger: benchLogger, clients, poll: false });
requestWakeSync = () => requestSyncRun({ knex: db.knex, queue, logger: silentLogger }, { mode: "incremental", requestedBy: "chargebee-webhook" });
/** Peak resident memory of the worker process (Linux /proc), in bytes. */
function workerPeakRss(): number | undefined {
  if (!workerProcess?.pid) return undefined;
  const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${workerProcess.pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : undefined;
}
/** CPU seconds (user + system) the worker process has used so far (Linux /proc; clock ticks of 1/100 s). */
function workerCpuSeconds(): number | undefined {
  if (!workerProcess?.pid) return undefined;
  const fields = fs.readFileSync(`/proc/${workerProcess.pid}/stat`, "utf8").split(") ").pop()!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime and stime, fields 14 and 15 of stat
}
const rssBeforeSync = process.memoryUsage.rss();

// --- measuring calls --------------------------------------------------------------------------------------------
interface Mark {
  poMark: number;
  cbMark: number;
}
const mark = (): Mark => ({ poMark: po.requestLog.lastSeq, cbMark: cb.requestLog.list({ limit: 1 })[0]?.id ?? 0 });
/** Calls made since `since`, per group (sync-calls.ts), from the sandboxes' request logs. */
function callsSince(since: Mark): { groups: Map<string, number>; poweroffice: number; chargebee: number; list: number } {
  const groups = new Map<string, number>();
  const count = (group: string) => groups.set(group, (groups.get(group) ?? 0) + 1);
  let poweroffice = 0;
  let chargebee = 0;
  for (const entry of po.requestLog.entries(since.poMark)) {
    poweroffice++;
    count(powerOfficeGroup(entry));
  }
  for (const entry of cb.requestLog.list({ limit: 5_000_000 })) {
    if (entry.id <= since.cbMark) continue;
    chargebee++;
    count(chargebeeGroup(entry));
  }
  const list = [...groups].filter(([group]) => / list /.test(group)).reduce((sum, [, n]) => sum + n, 0);
  return { groups, poweroffice, chargebee, list };
}

async function timedRun(mode: "incremental" | "full"): Promise<{ run: SyncRunRow; ms: number; since: Mark }> {
  const since = mark();
  const started = performance.now();
  const queued = await requestSyncRun({ knex: db.knex, queue, logger: silentLogger }, { mode, requestedBy: "bench" });
  const run = await waitForRun(db.knex, queued.id, { intervalMs: 20 });
  const ms = performance.now() - started;
  if (run.status !== "succeeded") throw new Error(`the ${mode} run ${run.status}: ${run.error}`);
  return { run, ms, since };
}

/** Prints the calls made next to the minimum, per group; returns the totals. */
function printCalls(since: Mark, minimum: Omit<MinimumInput, "end">): { made: number; minimum: number; list: number } {
  const calls = callsSince(since);
  const table = callTable(calls.groups, minimumCalls({ ...minimum, end: snapshotSources(po, cb) }));
  const width = Math.max(...table.rows.map(([group]) => group.length));
  console.log(
    `   API calls made ${fmt.format(table.made)} (PowerOffice ${fmt.format(calls.poweroffice)}, Chargebee ${fmt.format(calls.chargebee)}); the minimum the work needs ${fmt.format(table.minimum)}:`,
  );
  console.log(`     ${"calls".padEnd(width)}  ${"made".padStart(7)}  ${"minimum".padStart(7)}  what the minimum counts`);
  for (const [group, row] of table.rows) {
    const flag = row.made > row.minimum ? "  ← above the minimum" : "";
    console.log(`     ${group.padEnd(width)}  ${fmt.format(row.made).padStart(7)}  ${fmt.format(row.minimum).padStart(7)}  ${row.why}${flag}`);
  }
  return { made: table.made, minimum: table.minimum, list: calls.list };
}

/** Waits until the Chargebee sandbox has no webhook delivery in flight and no sync the webhooks woke is pending. */
async function drainWebhooks(): Promise<number> {
  const started = performance.now();
  for (;;) {
    await cb.webhooks.waitForIdle();
    await waker.idle();
    const busy = await db.knex("sync_runs").whereIn("status", ["queued", "running"]).first("id");
    if (!busy && waker.pending() === 0) break;
    if (busy) await waitForRun(db.knex, busy.id, { intervalMs: 20 });
  }
  return performance.now() - started;
}

function describeWebhooks(before: typeof receiverStats, waitedMs: number): string {
  const events = receiverStats.events - before.events;
  const changing = receiverStats.eventsChangingRecords - before.eventsChangingRecords;
  return (
    `${fmt.format(events)} deliveries (the sync's writes ask Chargebee for none: chargebee-event-webhook: all-disabled); ` +
    `${fmt.format(events - changing)} changed nothing in the datasets, ${fmt.format(changing)} stored newer content ` +
    `(${fmt.format(receiverStats.changedRecords - before.changedRecords)} records); syncs woken: ${receiverStats.syncsWoken - before.syncsWoken}; ` +
    `drained ${fmt.format(waitedMs / 1000)} s after the run ended`
  );
}

console.log(
  `bench:sync on ${db.location}, worker ${workerProcess ? "in a process of its own" : "in this process"}; node ${process.version}; ${(await import("node:os")).cpus().length} cores (shared with other work).`,
);
console.log(
  `PowerOffice sandbox: ${Object.entries(poCounts)
    .map(([k, v]) => `${fmt.format(v)} ${k}`)
    .join(", ")} (bench records + the demo data).`,
);
console.log(
  `Chargebee sandbox: demo data + ${fmt.format(sizes.chargebeeCustomers)} customers and ${fmt.format(sizes.chargebeeItems)} items born there. Rate limits off. SYNC_BATCH_SIZE ${config.sync.batchSize}, SYNC_WORKER_CONCURRENCY ${config.sync.workerConcurrency}, CHARGEBEE_MAX_CONCURRENCY ${config.chargebee.maxConcurrency}.`,
);
console.log(
  webhookAuth
    ? `Chargebee webhooks on: the sandbox delivers every event to a receiver in this process; polls leave Chargebee to them (catch-up every ${config.chargebee.catchupIntervalSeconds} s).\n`
    : "Chargebee webhooks off (--no-webhooks): every poll lists Chargebee.\n",
);

// --- 1. initial sync ------------------------------------------------------------------------------------------------
const beforeInitial = snapshotSources(po, cb);
const webhooksBeforeInitial = { ...receiverStats };
const workerCpuBefore = workerCpuSeconds();
const initial = await timedRun("incremental");
const workerCpuInitial = workerCpuBefore === undefined ? undefined : workerCpuSeconds()! - workerCpuBefore;
console.log(
  `1. Initial sync: ${fmt.format(powerOfficeRecords)} PowerOffice records and ${fmt.format(chargebeeBorn)} born in Chargebee in ${fmt.format(initial.ms / 1000)} s = ${fmt.format(sourceRecords / (initial.ms / 1000))} records/s`,
);
if (workerCpuInitial !== undefined) {
  console.log(
    `   worker process CPU: ${fmt.format(workerCpuInitial)} s = ${(workerCpuInitial / (sourceRecords / 1000)).toFixed(3)} CPU-s per 1,000 records (load-independent)`,
  );
}
console.log(`   run counts: ${JSON.stringify(initial.run.counts)}`);
console.log(
  `   phases: reading ${fmt.format((initial.run.detail.read?.durationMs ?? 0) / 1000)} s, planning ${fmt.format((initial.run.detail.planningMs ?? 0) / 1000)} s, ${initial.run.batchesTotal} batches`,
);
const initialCalls = printCalls(initial.since, { start: beforeInitial, chargebeeRead: "all", hasToken: false });
console.log(`   ratio made/minimum: ${(initialCalls.made / Math.max(1, initialCalls.minimum)).toFixed(2)}`);
const initialDrainMs = webhookAuth ? await drainWebhooks() : 0;
if (webhookAuth) console.log(`   webhooks: ${describeWebhooks(webhooksBeforeInitial, initialDrainMs)}`);
console.log("");

// --- 2. one change, then the poll -------------------------------------------------------------------------------
const afterInitial = snapshotSources(po, cb);
const person = po.store.all("ContactPersons").find((row) => String(row.EmailAddress ?? "").startsWith("kontakt.0@"))!;
po.store.edit("ContactPersons", Number(person.Id), { FirstName: "Endret" });
const beforeIncremental = snapshotSources(po, cb);
const webhooksBeforeIncremental = { ...receiverStats };
const incremental = await timedRun("incremental");
console.log(
  `2. Incremental sync after one contact person changed${webhookAuth ? " (started once the initial sync's webhook deliveries had drained)" : ""}: done ${fmt.format(incremental.ms)} ms after its poll`,
);
console.log(`   run counts: ${JSON.stringify(incremental.run.counts)}`);
console.log(
  `   phases: reading ${fmt.format(incremental.run.detail.read?.durationMs ?? 0)} ms, planning ${fmt.format(incremental.run.detail.planningMs ?? 0)} ms, ${incremental.run.batchesTotal} batch(es) and queue hops the rest`,
);
const incCalls = printCalls(incremental.since, {
  lastSync: afterInitial,
  start: beforeIncremental,
  chargebeeRead: webhookAuth ? "none" : "changes",
  hasToken: true,
});
console.log(`   beyond the poll's ${incCalls.list} list calls: ${incCalls.made - incCalls.list} (target ≤ 3)`);
console.log(`   ratio made/minimum: ${(incCalls.made / Math.max(1, incCalls.minimum)).toFixed(2)}`);
if (webhookAuth) console.log(`   webhooks: ${describeWebhooks(webhooksBeforeIncremental, await drainWebhooks())}`);
console.log("");

// --- 2b. a Chargebee change by webhook --------------------------------------------------------------------------
if (webhookAuth) {
  const contact = po.store.all("ContactPersons").find((row) => String(row.EmailAddress ?? "").startsWith("kontakt.1@"))!;
  const wokenBefore = receiverStats.syncsWoken;
  const webhooksBefore = { ...receiverStats };
  const afterIncremental = snapshotSources(po, cb);
  const since = mark();
  const deliveriesBefore = cb.webhooks.deliveries.length;
  cb.store.edit("customer", `po-contactperson-${String(contact.Id)}`, { last_name: "Webhook" });
  const changedAt = performance.now();
  const start = snapshotSources(po, cb);
  await cb.webhooks.waitForIdle();
  await waker.idle();
  const woken = (await db.knex("sync_runs").where({ requested_by: "chargebee-webhook" }).orderBy("created_at", "desc").first("id")) as
    { id: string } | undefined;
  if (!woken || receiverStats.syncsWoken === wokenBefore) throw new Error("the webhook of a Chargebee edit woke no sync");
  const run = await waitForRun(db.knex, woken.id, { intervalMs: 20 });
  const doneMs = performance.now() - changedAt;
  const runMs = run.finishedAt && run.createdAt ? run.finishedAt.getTime() - run.createdAt.getTime() : NaN;
  console.log(
    `2b. One Chargebee customer edited (admin), delivered by webhook: the sync it woke took ${fmt.format(runMs)} ms; the edit was in PowerOffice ${fmt.format(doneMs)} ms after it was made (the receiver waits 2 s to carry a burst in one sync)`,
  );
  console.log(
    `   run counts: ${JSON.stringify(run.counts)}; PowerOffice now says LastName "${String(po.store.get("ContactPersons", Number(contact.Id))?.LastName)}"`,
  );
  const webhookEvents = new Set(cb.webhooks.deliveries.slice(deliveriesBefore).map((delivery) => delivery.eventId)).size;
  const calls = printCalls(since, { lastSync: afterIncremental, start, chargebeeRead: "none", hasToken: true, webhookEvents });
  console.log(`   ratio made/minimum: ${(calls.made / Math.max(1, calls.minimum)).toFixed(2)}`);
  console.log(`   webhooks: ${describeWebhooks(webhooksBefore, await drainWebhooks())}`);
  console.log("");
}

// --- 3. memory --------------------------------------------------------------------------------------------------
peakRss = Math.max(peakRss, process.memoryUsage.rss());
const maxRss = process.resourceUsage().maxRSS * 1024;
const workerPeak = workerPeakRss();
if (workerPeak !== undefined) {
  console.log(
    `3. Peak RSS of the worker process (npm run worker): ${mb(workerPeak)}; this process (sandboxes + queue client): ${mb(Math.max(peakRss, maxRss))}`,
  );
} else {
  console.log(
    `3. Peak RSS of this process (sandboxes + embedded database + worker together): ${mb(Math.max(peakRss, maxRss))}; before the first sync ${mb(rssBeforeSync)}`,
  );
}

clearInterval(sampler);
await worker?.stop();
if (workerProcess) {
  workerProcess.kill("SIGTERM");
  await new Promise((resolve) => workerProcess.once("exit", resolve));
}
await waker.stop();
await new Promise<void>((resolve) => receiver.close(() => resolve()));
await queue.stop({ timeoutMs: 5_000 });
await dispose();
await po.close();
await cb.close();
