// npm run bench:sync -- [--scale 0.1] [--contact-persons N] [--customers N] [--products N] [--orders N] [--lines N]
//
// Both sandboxes (rate limits off) in this process, seeded with the given numbers on top of their small demo data;
// the database of DATABASE_URL (a fresh database on that server) or an in-memory embedded one; a sync worker in this
// process taking jobs from the queue, as `npm start` runs it. Measures:
//   1. the initial sync (a queued incremental run, what the first poll does): records/s, API calls against the
//      minimum (the list pages reading everything takes + one write per record that must change);
//   2. one contact person edited in PowerOffice, then the next poll: delay from the poll to the run's end, API calls
//      beyond the poll's list calls, calls against the minimum;
//   3. peak RSS of this process (sandboxes, database and worker together) and before the first sync.
// BENCH_WORKER_NODE_ARGS adds node options to the worker process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
import { parseArgs } from "node:util";
import { spawn } from "node:child_process";
import fs from "node:fs";
import { randomBytes } from "node:crypto";
import knexFactory from "knex";
import { loadConfig } from "../src/config/config.js";
import { createChargebeeClient } from "../src/connectors/chargebee/index.js";
import { startChargebeeSandbox } from "../src/connectors/chargebee/sandbox/index.js";
import { createPowerOfficeClient, MAX_PAGE_SIZE } from "../src/connectors/poweroffice/index.js";
import { startPowerOfficeSandbox } from "../src/connectors/poweroffice/sandbox/index.js";
import { openDatabase, type Database } from "../src/db/database.js";
import { migrateLatest } from "../src/db/migrate.js";
import { startJobQueue } from "../src/jobs/queue.js";
import { createLogger, silentLogger } from "../src/logging/logger.js";
import { requestSyncRun } from "../src/sync/commands.js";
import type { SyncRunRow } from "../src/sync/runs/types.js";
import { waitForRun } from "../src/sync/runs/wait.js";
import { startSyncWorker } from "../src/sync/worker.js";

const USAGE = `Usage: npm run bench:sync -- [--scale F] [--contact-persons N] [--customers N] [--products N] [--orders N] [--lines N]
  Defaults: 10000 contact persons, 2000 customers (70% companies), 1000 products, 5000 orders with 3 lines each.
  --scale multiplies every count (e.g. --scale 0.1 for a quick run).`;

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
  };
}

const sizes = readOptions();
const fmt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });
const mb = (bytes: number) => `${fmt.format(bytes / 1024 / 1024)} MB`;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);

// --- sandboxes -----------------------------------------------------------------------------------------------------
const po = await startPowerOfficeSandbox({ size: "demo", seed: 1, requestLogCapacity: 5_000_000 });
const cb = await startChargebeeSandbox({ size: "demo", seed: 1, requestLogSize: 5_000_000 });
const store = po.store.raw;
const lenient = { strictEmail: false };
const template = po.store.all("Products")[0]!;
const companies: number[] = [];
const persons: number[] = [];
const products: number[] = [];
const companyCount = Math.max(1, Math.round(sizes.customers * 0.7));
for (let i = 0; i < sizes.customers; i++) {
  const fields = i < companyCount
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
    store.createRecord("Products", {
      Code: `B-${i}`,
      Name: `Benkprodukt ${i}`,
      UnitPrice: 100 + (i % 900),
      StandardSalesAccountId: template.StandardSalesAccountId,
      OptionalSalesAccountId: template.OptionalSalesAccountId,
    }, lenient).dto.Id as number,
  );
}
for (let i = 0; i < sizes.orders; i++) {
  const lines = Array.from({ length: sizes.lines }, (_, l) => ({ ProductId: products[(i * sizes.lines + l) % products.length], Quantity: 1 + ((i + l) % 5) }));
  store.createSalesOrder({ CustomerId: companies[i % companies.length], SalesOrderLines: lines }, lenient, false);
}
const poCounts = po.store.counts();
const sourceRecords = Object.values(poCounts).reduce((a, b) => a + b, 0);

// --- database, queue, worker --------------------------------------------------------------------------------------
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
const config = loadConfig({ ...process.env, SYNC_POLL_INTERVAL_SECONDS: "0", LOG_LEVEL: "warn" });
const benchLogger = createLogger({ level: process.env.LOG_LEVEL ?? "warn", format: "json", name: "bench" });
// With PostgreSQL the worker is a process of its own (npm run worker), so its memory is measured alone; the embedded
// database can only be opened by one process, so there the worker runs in this one.
const workerProcess = databaseUrl
  ? spawn(process.execPath, [...(process.env.BENCH_WORKER_NODE_ARGS?.split(" ").filter(Boolean) ?? []), "--import", "tsx", "src/sync/worker-main.ts"], {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        POWEROFFICE_API_BASE_URL: po.apiBaseUrl,
        POWEROFFICE_TOKEN_URL: po.tokenUrl,
        POWEROFFICE_REQUESTS_PER_SECOND: "0",
        CHARGEBEE_SANDBOX_PORT: String(cb.port),
        CHARGEBEE_REQUESTS_PER_MINUTE: "0",
        SYNC_POLL_INTERVAL_SECONDS: "0",
        LOG_FORMAT: "json",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "inherit"],
    })
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
/** Peak resident memory of the worker process (Linux /proc), in bytes. */
function workerPeakRss(): number | undefined {
  if (!workerProcess?.pid) return undefined;
  const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${workerProcess.pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : undefined;
}
const rssBeforeSync = process.memoryUsage.rss();

// --- measuring calls --------------------------------------------------------------------------------------------
interface CallBreakdown { total: number; list: number; get: number; write: number; token: number }
function classify(): { poweroffice: CallBreakdown; chargebee: CallBreakdown; poMark: number; cbMark: number } {
  return { poweroffice: { total: 0, list: 0, get: 0, write: 0, token: 0 }, chargebee: { total: 0, list: 0, get: 0, write: 0, token: 0 }, poMark: po.requestLog.lastSeq, cbMark: cb.requestLog.list({ limit: 1 })[0]?.id ?? 0 };
}
function callsSince(mark: ReturnType<typeof classify>) {
  const result = classify();
  for (const entry of po.requestLog.entries(mark.poMark)) {
    const b = result.poweroffice;
    b.total++;
    if (/oauth/i.test(entry.path)) b.token++;
    else if (entry.method !== "GET") b.write++;
    else if (/\/[0-9a-f-]+$/i.test(entry.path) && /\d/.test(entry.path.split("/").pop()!)) b.get++;
    else b.list++;
  }
  for (const entry of cb.requestLog.list({ limit: 5_000_000 }).filter((e) => e.id > mark.cbMark)) {
    const b = result.chargebee;
    b.total++;
    if (entry.method !== "GET") b.write++;
    else if (/^\/api\/v2\/[a-z_]+$/.test(entry.path)) b.list++;
    else b.get++;
  }
  return result;
}

/** The fewest list pages reading what the run read takes: per type read, its records over the largest page (≥ 1). */
async function minimumListPages(listCalls: { poweroffice: number; chargebee: number }) {
  const rows: Array<{ system: string; entity: string; count: number }> = await db.knex("dataset_records")
    .select("system", "entity")
    .count("* as count")
    .groupBy("system", "entity");
  let pages = 0;
  for (const row of rows) {
    if (row.entity === "SalesOrderLine") continue; // lines come with their orders
    pages += Math.max(1, Math.ceil(Number(row.count) / (row.system === "poweroffice" ? MAX_PAGE_SIZE : 100)));
  }
  return Math.min(pages, listCalls.poweroffice + listCalls.chargebee || pages);
}

/** How many different list endpoints (types) were read since `mark`: the poll needs at least one page of each. */
function distinctListEndpoints(mark: ReturnType<typeof classify>): number {
  const paths = new Set<string>();
  for (const entry of po.requestLog.entries(mark.poMark)) {
    if (entry.method === "GET" && !/oauth/i.test(entry.path) && !/\/\d+$/.test(entry.path)) paths.add(`po ${entry.path}`);
  }
  for (const entry of cb.requestLog.list({ limit: 5_000_000 }).filter((e) => e.id > mark.cbMark)) {
    if (entry.method === "GET" && /^\/api\/v2\/[a-z_]+$/.test(entry.path)) paths.add(`cb ${entry.path}`);
  }
  return paths.size;
}

async function timedRun(mode: "incremental" | "full"): Promise<{ run: SyncRunRow; ms: number; calls: ReturnType<typeof callsSince> & { mark: ReturnType<typeof classify> } }> {
  const mark = classify();
  const started = performance.now();
  const queued = await requestSyncRun({ knex: db.knex, queue, logger: silentLogger }, { mode, requestedBy: "bench" });
  const run = await waitForRun(db.knex, queued.id, { intervalMs: 20 });
  const ms = performance.now() - started;
  if (run.status !== "succeeded") throw new Error(`the ${mode} run ${run.status}: ${run.error}`);
  return { run, ms, calls: { ...callsSince(mark), mark } };
}

function describeCalls(calls: ReturnType<typeof callsSince>) {
  const part = (b: CallBreakdown) => `${fmt.format(b.total)} (list ${fmt.format(b.list)}, get ${fmt.format(b.get)}, write ${fmt.format(b.write)}, token ${b.token})`;
  return `PowerOffice ${part(calls.poweroffice)}; Chargebee ${part(calls.chargebee)}`;
}

console.log(`bench:sync on ${db.location}, worker ${workerProcess ? "in a process of its own" : "in this process"}; node ${process.version}; ${(await import("node:os")).cpus().length} cores (shared with other work).`);
console.log(`PowerOffice sandbox: ${Object.entries(poCounts).map(([k, v]) => `${fmt.format(v)} ${k}`).join(", ")} (bench records + the demo data).`);
console.log(`Chargebee sandbox: demo data. Rate limits off. SYNC_BATCH_SIZE ${config.sync.batchSize}, SYNC_WORKER_CONCURRENCY ${config.sync.workerConcurrency}, CHARGEBEE_MAX_CONCURRENCY ${config.chargebee.maxConcurrency}.\n`);

// --- 1. initial sync ------------------------------------------------------------------------------------------------
const initial = await timedRun("incremental");
const initialWrites = initial.run.counts.created + initial.run.counts.updated + initial.run.counts.deleted;
const initialList = initial.calls.poweroffice.list + initial.calls.chargebee.list;
const initialMinList = await minimumListPages({ poweroffice: initial.calls.poweroffice.list, chargebee: initial.calls.chargebee.list });
const initialCalls = initial.calls.poweroffice.total + initial.calls.chargebee.total;
const initialMinimum = initialMinList + initialWrites;
console.log(`1. Initial sync: ${fmt.format(sourceRecords)} PowerOffice records in ${fmt.format(initial.ms / 1000)} s = ${fmt.format(sourceRecords / (initial.ms / 1000))} records/s`);
console.log(`   run counts: ${JSON.stringify(initial.run.counts)}`);
console.log(`   phases: reading ${fmt.format((initial.run.detail.read?.durationMs ?? 0) / 1000)} s, planning ${fmt.format((initial.run.detail.planningMs ?? 0) / 1000)} s, ${initial.run.batchesTotal} batches`);
console.log(`   API calls made ${fmt.format(initialCalls)}: ${describeCalls(initial.calls)}`);
console.log(`   minimum ${fmt.format(initialMinimum)} (list pages ${fmt.format(initialMinList)} + one write per record that changed ${fmt.format(initialWrites)}); list calls made ${fmt.format(initialList)}`);
console.log(`   ratio made/minimum: ${(initialCalls / Math.max(1, initialMinimum)).toFixed(2)}\n`);

// --- 2. one change, then the poll -------------------------------------------------------------------------------
const person = po.store.all("ContactPersons").find((row) => String(row.EmailAddress ?? "").startsWith("kontakt.0@"))!;
po.store.edit("ContactPersons", Number(person.Id), { FirstName: "Endret" });
const incremental = await timedRun("incremental");
const incWrites = incremental.run.counts.created + incremental.run.counts.updated + incremental.run.counts.deleted;
const incList = incremental.calls.poweroffice.list + incremental.calls.chargebee.list;
const incCalls = incremental.calls.poweroffice.total + incremental.calls.chargebee.total;
const incEndpoints = distinctListEndpoints(incremental.calls.mark);
const incMinimum = incEndpoints + incWrites;
console.log(`2. Incremental sync after one contact person changed: done ${fmt.format(incremental.ms)} ms after its poll`);
console.log(`   run counts: ${JSON.stringify(incremental.run.counts)}`);
console.log(`   API calls made ${incCalls}: ${describeCalls(incremental.calls)}`);
console.log(`   beyond the poll's ${incList} list calls: ${incCalls - incList} (target ≤ 3)`);
console.log(`   minimum ${incMinimum} (one list page for each of the ${incEndpoints} types the poll reads + one write per changed record ${incWrites}); ratio ${(incCalls / Math.max(1, incMinimum)).toFixed(2)}\n`);

// --- 3. memory --------------------------------------------------------------------------------------------------
peakRss = Math.max(peakRss, process.memoryUsage.rss());
const maxRss = process.resourceUsage().maxRSS * 1024;
const workerPeak = workerPeakRss();
if (workerPeak !== undefined) {
  console.log(`3. Peak RSS of the worker process (npm run worker): ${mb(workerPeak)}; this process (sandboxes + queue client): ${mb(Math.max(peakRss, maxRss))}`);
} else {
  console.log(`3. Peak RSS of this process (sandboxes + embedded database + worker together): ${mb(Math.max(peakRss, maxRss))}; before the first sync ${mb(rssBeforeSync)}`);
}

clearInterval(sampler);
await worker?.stop();
if (workerProcess) {
  workerProcess.kill("SIGTERM");
  await new Promise((resolve) => workerProcess.once("exit", resolve));
}
await queue.stop({ timeoutMs: 5_000 });
await dispose();
await po.close();
await cb.close();
