/**
 * npm run bench:gateway — the unified-customers query (BENCH_CUSTOMERS customers, default 100, with both sides and
 * their orders) against our gateway (Hive runtime with the Rust query planner, and again with its JS planner),
 * against @apollo/gateway over the same subgraphs and supergraph,
 * and straight against the link subgraph; autocannon with 10 connections. Then the SQL statements per request
 * through the gateway for 10 and for 500 customers.
 *
 * Processes: with DATABASE_URL, each subgraph in a child of its own on a PostgreSQL server (a fresh database is made and
 * dropped), as production runs them; without it, the three in one child on the embedded PostgreSQL (one connection, so
 * every figure is lower). Each gateway in a child of its own; autocannon here.
 * BENCH_DURATION (seconds per target, default 20), BENCH_WARMUP (seconds per target, default 3), BENCH_CONNECTIONS
 * (default 10), BENCH_ROUNDS (default 4): each target's measuring time is split into rounds that take turns with the
 * other targets', so a change in the machine's load (it is shared) falls on every target alike. p50 is the median and
 * p99 the worst of a target's rounds.
 * BENCH_VARIANTS: more targets of our gateway, to measure a change side by side with the code as it is: a JSON array
 * of {"name", "dist"?, "nodeFlags"?}: "dist", another checkout's bench build (its .data-test/bench-dist, made by running
 * this bench there once, or `npm run build -- --out-dir .data-test/bench-dist --project tsconfig.bench.json`);
 * "nodeFlags", node flags in place of the gateway npm script's.
 */
import "reflect-metadata";
import { spawn, type ChildProcess } from "node:child_process";
import { benchRuntime } from "./compiled.js";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import os from "node:os";
import autocannon from "autocannon";
import { LINK_ONLY_QUERY, UNIFIED_CUSTOMERS_QUERY } from "./gateway-query.js";
import { seedFixture } from "../test/e2e/support/fixture.js";
import { startFederation } from "../test/e2e/support/federation.js";
import { isLocalDatabase, localPostgresCpuMs } from "./postgres-cpu.js";

const SECRET = "bench-subgraph-secret-0123456789abcdef";
const READER_KEY = "bench-reader-key-0123456789abcdef";
const customers = Number(process.env.BENCH_CUSTOMERS ?? 100);
const duration = Number(process.env.BENCH_DURATION ?? 20);
const warmup = Number(process.env.BENCH_WARMUP ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 4));
/** The PostgreSQL server's CPU is read from /proc when it runs on this machine. */
const localPostgres = isLocalDatabase(process.env.DATABASE_URL);
/** The node flags our gateway and the subgraphs run with in production: those of their npm scripts (package.json). */
const npmScripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
const runtime = benchRuntime();
const nodeFlagsOf = (script: string) => npmScripts[script]!.split(/\s+/).filter((word) => word.startsWith("--"));
const gatewayNodeFlags = nodeFlagsOf("gateway");
const subgraphNodeFlags = nodeFlagsOf("subgraph:link");

interface Child {
  process: ChildProcess;
  info: Record<string, unknown>;
  /** CPU time (user + system) the child has used so far, in milliseconds. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

interface GatewayVariant {
  name: string;
  dist?: string;
  nodeFlags?: string[];
}

function variantsOf(text: string | undefined): GatewayVariant[] {
  if (!text) return [];
  const variants = JSON.parse(text) as GatewayVariant[];
  for (const variant of variants) {
    if (typeof variant.name !== "string") throw new Error(`BENCH_VARIANTS: each variant needs a "name" (${JSON.stringify(variant)})`);
    if (variant.dist !== undefined && !existsSync(path.join(variant.dist, "bench/gateway-target.js"))) {
      throw new Error(`BENCH_VARIANTS: ${variant.name}: ${variant.dist} holds no bench build (bench/gateway-target.js)`);
    }
  }
  return variants;
}
const variants = variantsOf(process.env.BENCH_VARIANTS);

async function startChild(script: string, env: Record<string, string>, dist?: string): Promise<Child> {
  // BENCH_CPU_PROFILE=<dir>: each gateway process and each subgraph process write a V8 CPU profile there (open it in
  // Chrome DevTools). The subgraphs' profiles span the whole run: every target, and the seeding before it.
  const profile = process.env.BENCH_CPU_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const scriptArgs = dist === undefined ? runtime.args(script) : [path.join(dist, script.replace(/\.ts$/, ".js"))];
  const child = spawn(process.execPath, [...profile, ...scriptArgs], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
    lines.once("line", (line) => resolve(JSON.parse(line) as Record<string, unknown>));
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
  return {
    process: child,
    info,
    cpuMs: () =>
      new Promise<number>((resolve) => {
        child.once("message", (usage) => {
          const { user, system } = usage as NodeJS.CpuUsage;
          resolve((user + system) / 1000);
        });
        child.send("cpu");
      }),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

interface Figures {
  target: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU milliseconds the gateway process spent per request (load-independent, unlike req/s on a shared machine). */
  gatewayCpuMsPerRequest: number | null;
  subgraphCpuMsPerRequest: number | null;
  /** The local PostgreSQL server's CPU per request (null: no local server, or the embedded database). */
  postgresCpuMsPerRequest: number | null;
}

/**
 * Request bodies that differ (first = customers - 0..9, round robin), so no gateway can answer concurrent clients
 * from one upstream call: Hive's HTTP transport can de-duplicate identical subgraph requests in flight (ours has it
 * off), which would flatter it on a load of identical queries.
 */
function bodiesFor(query: string): string[] {
  return Array.from({ length: 10 }, (_, i) => JSON.stringify({ query, variables: { first: customers - i } }));
}

interface Target {
  name: string;
  url: string;
  bodies: string[];
  headers: Record<string, string>;
  gateway: Child | null;
}

interface Round {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  gatewayCpuMs: number | null;
  subgraphCpuMs: number;
  postgresCpuMs: number | null;
}

function cannonOptions(target: Target, seconds: number) {
  let next = 0;
  return {
    url: target.url,
    method: "POST" as const,
    headers: { "content-type": "application/json", ...target.headers },
    connections,
    timeout: 60,
    duration: seconds,
    requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, body: target.bodies[next++ % target.bodies.length] }) }],
  };
}

interface Subgraphs {
  sources: Array<{ name: string; url: string; sdl: string }>;
  /** CPU time all subgraph processes have used so far, in milliseconds. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The subgraphs as production runs them (npm run subgraph:*, docker-compose.yml): one process each, with their npm
 * scripts' node flags. The first seeds the database the others then open.
 */
async function startSubgraphs(): Promise<Subgraphs> {
  const env = (extra: Record<string, string>) => ({
    BENCH_SUBGRAPH_SECRET: SECRET,
    BENCH_CUSTOMERS: String(customers),
    NODE_ENV: "production",
    NODE_OPTIONS: [process.env.NODE_OPTIONS ?? "", ...subgraphNodeFlags].join(" ").trim(),
    ...extra,
  });
  const children: Child[] = [];
  const stop = async () => {
    for (const child of children.reverse()) await child.stop();
  };
  try {
    const first = await startChild("bench/gateway-subgraphs.ts", env(process.env.DATABASE_URL ? { BENCH_SUBGRAPHS: "link" } : {}));
    children.push(first);
    const databaseUrl = first.info.databaseUrl as string | undefined;
    if (databaseUrl) {
      for (const name of ["poweroffice", "chargebee"]) {
        children.push(await startChild("bench/gateway-subgraphs.ts", env({ BENCH_SUBGRAPHS: name, BENCH_DATABASE_URL: databaseUrl })));
      }
    }
    const all = children.flatMap((child) => child.info.sources as Subgraphs["sources"]);
    const order = ["poweroffice", "chargebee", "link"];
    return {
      sources: all.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name)),
      cpuMs: async () => (await Promise.all(children.map((child) => child.cpuMs()))).reduce((sum, ms) => sum + ms, 0),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function measureRound(target: Target, seconds: number, subgraphs: Subgraphs): Promise<Round> {
  const gatewayCpu = await target.gateway?.cpuMs();
  const subgraphCpu = await subgraphs.cpuMs();
  const postgresCpu = localPostgres ? localPostgresCpuMs() : null;
  const result = await autocannon(cannonOptions(target, seconds));
  const gatewayCpuAfter = await target.gateway?.cpuMs();
  const subgraphCpuAfter = await subgraphs.cpuMs();
  const postgresCpuAfter = localPostgres ? localPostgresCpuMs() : null;
  return {
    requests: result.requests.total,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    gatewayCpuMs: gatewayCpu === undefined ? null : gatewayCpuAfter! - gatewayCpu,
    subgraphCpuMs: subgraphCpuAfter - subgraphCpu,
    postgresCpuMs: postgresCpu === null || postgresCpuAfter === null ? null : postgresCpuAfter - postgresCpu,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function figuresOf(target: Target, measured: Round[]): Figures {
  const requests = measured.reduce((sum, round) => sum + round.requests, 0);
  const seconds = measured.reduce((sum, round) => sum + round.seconds, 0);
  const gatewayCpu = measured.reduce((sum, round) => sum + (round.gatewayCpuMs ?? 0), 0);
  const subgraphCpu = measured.reduce((sum, round) => sum + round.subgraphCpuMs, 0);
  const postgresKnown = measured.every((round) => round.postgresCpuMs !== null);
  const postgresCpu = measured.reduce((sum, round) => sum + (round.postgresCpuMs ?? 0), 0);
  return {
    target: target.name,
    requestsPerSecond: seconds > 0 ? requests / seconds : 0,
    p50: median(measured.map((round) => round.p50)),
    p99: Math.max(...measured.map((round) => round.p99)),
    non2xx: measured.reduce((sum, round) => sum + round.non2xx, 0),
    errors: measured.reduce((sum, round) => sum + round.errors, 0),
    gatewayCpuMsPerRequest: target.gateway === null || requests === 0 ? null : gatewayCpu / requests,
    subgraphCpuMsPerRequest: requests === 0 ? null : subgraphCpu / requests,
    postgresCpuMsPerRequest: requests === 0 || !postgresKnown ? null : postgresCpu / requests,
  };
}

async function answer(url: string, body: string, headers: Record<string, string>): Promise<unknown> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const json = (await response.json()) as { errors?: unknown };
  if (!response.ok || json.errors) throw new Error(`${url} answered ${response.status}: ${JSON.stringify(json).slice(0, 500)}`);
  return json;
}

async function sqlPerRequest(size: number): Promise<number> {
  const federation = await startFederation();
  try {
    await seedFixture(federation.db.knex, { customers: size });
    const variables = { first: size };
    const warm = await federation.query(UNIFIED_CUSTOMERS_QUERY, variables);
    if (warm.status !== 200 || warm.body.errors) throw new Error(`SQL count query failed: ${JSON.stringify(warm.body).slice(0, 500)}`);
    const before = federation.sql.count;
    await federation.query(UNIFIED_CUSTOMERS_QUERY, variables);
    return federation.sql.count - before;
  } finally {
    await federation.close();
  }
}

function printTable(rows: Figures[]): void {
  const header = [
    "target",
    "req/s",
    "p50 ms",
    "p99 ms",
    "non-2xx",
    "errors+timeouts",
    "gateway CPU ms/req",
    "subgraphs CPU ms/req",
    "PostgreSQL CPU ms/req",
  ];
  const body = rows.map((r) => [
    r.target,
    r.requestsPerSecond.toFixed(1),
    String(r.p50),
    String(r.p99),
    String(r.non2xx),
    String(r.errors),
    r.gatewayCpuMsPerRequest === null ? "-" : r.gatewayCpuMsPerRequest.toFixed(1),
    r.subgraphCpuMsPerRequest === null ? "-" : r.subgraphCpuMsPerRequest.toFixed(1),
    r.postgresCpuMsPerRequest === null ? "-" : r.postgresCpuMsPerRequest.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(header));
  for (const row of body) console.log(line(row));
}

console.log(`bench:gateway — ${customers} unified customers per request, ${connections} connections, ${warmup} s warm-up + ${duration} s per target`);
console.log(
  `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), node ${process.version}, database: ${process.env.DATABASE_URL ? "PostgreSQL server" : "embedded PGlite"}; ` +
    `subgraphs (${process.env.DATABASE_URL ? "one process each" : "one process"}), gateway and load generator share these cores (and other work running on the machine).`,
);

const subgraphs = await startSubgraphs();
const sources = subgraphs.sources;
const linkUrl = sources.find((s) => s.name === "link")!.url;
const gatewayBody = JSON.stringify({ query: UNIFIED_CUSTOMERS_QUERY, variables: { first: customers } });
const linkBody = JSON.stringify({ query: LINK_ONLY_QUERY, variables: { first: customers } });
const figures: Figures[] = [];
const gateways: Child[] = [];
let reference: unknown;
try {
  const targets: Target[] = [];
  const kinds = [
    ...(["hive", "hive-js", "apollo"] as const).map((kind) => ({ kind, variant: undefined })),
    ...variants.map((variant) => ({ kind: "hive" as const, variant })),
  ];
  for (const { kind, variant } of kinds) {
    const nodeFlags = variant?.nodeFlags ?? gatewayNodeFlags;
    const gateway = await startChild(
      "bench/gateway-target.ts",
      {
        BENCH_TARGET: kind,
        BENCH_SOURCES: JSON.stringify(sources),
        BENCH_SUBGRAPH_SECRET: SECRET,
        BENCH_API_KEYS: `bench:reader:${READER_KEY}`,
        // As the production image runs every process (Dockerfile, docker-compose.yml); graphql-js checks every
        // instanceof twice in development mode, which costs each gateway about 5% of its CPU.
        NODE_ENV: "production",
        // Every gateway, @apollo/gateway too, with the node flags of our gateway's npm script: the same runtime settings.
        NODE_OPTIONS: [process.env.NODE_OPTIONS ?? "", ...nodeFlags].join(" ").trim(),
      },
      variant?.dist,
    );
    gateways.push(gateway);
    const url = gateway.info.url as string;
    const headers: Record<string, string> = kind === "apollo" ? {} : { "x-api-key": READER_KEY };
    const result = await answer(url, gatewayBody, headers);
    if (reference === undefined) reference = result;
    const name = variant
      ? `our gateway: ${variant.name}`
      : { hive: "our gateway (Rust planner)", "hive-js": "our gateway, JS planner", apollo: "@apollo/gateway 2.14" }[kind];
    if (!isDeepStrictEqual(result, reference)) throw new Error(`${name} gave a different answer than our gateway`);
    targets.push({ name, url, bodies: bodiesFor(UNIFIED_CUSTOMERS_QUERY), headers, gateway });
  }
  await answer(linkUrl, linkBody, { "x-subgraph-secret": SECRET });
  targets.push({
    name: "link subgraph direct",
    url: linkUrl,
    bodies: bodiesFor(LINK_ONLY_QUERY),
    headers: { "x-subgraph-secret": SECRET },
    gateway: null,
  });

  // Warm-up: the subgraphs once more before the first target, so no gateway meets them cold.
  process.stdout.write(`warming up (${warmup} s per target, ${warmup} s more for the subgraphs) ...\n`);
  await autocannon(cannonOptions(targets[0]!, warmup));
  for (const target of targets) await autocannon(cannonOptions(target, warmup));

  const measured = new Map<Target, Round[]>(targets.map((target) => [target, []]));
  for (let round = 1; round <= rounds; round++) {
    process.stdout.write(`round ${round} of ${rounds}: ${targets.map((t) => t.name).join(", ")} (${(duration / rounds).toFixed(1)} s each) ...\n`);
    for (const target of targets) measured.get(target)!.push(await measureRound(target, duration / rounds, subgraphs));
  }
  for (const target of targets) figures.push(figuresOf(target, measured.get(target)!));
} finally {
  for (const gateway of gateways) await gateway.stop();
  await subgraphs.stop();
}

console.log("");
printTable(figures);
const [ours, oursJs, apollo] = figures as [Figures, Figures, Figures];
const direct = figures.at(-1)!;
console.log("");
console.log(`our gateway / @apollo/gateway req/s: ${(ours.requestsPerSecond / apollo.requestsPerSecond).toFixed(2)}× (target ≥ 2×)`);
console.log(`our gateway with the JS planner / @apollo/gateway req/s: ${(oursJs.requestsPerSecond / apollo.requestsPerSecond).toFixed(2)}×`);
console.log(`our gateway / link subgraph direct req/s: ${(ours.requestsPerSecond / direct.requestsPerSecond).toFixed(2)}×`);
console.log(`our gateway p99: ${ours.p99} ms (target < 50 ms)`);
if (ours.gatewayCpuMsPerRequest !== null && apollo.gatewayCpuMsPerRequest !== null) {
  console.log(
    `gateway CPU per request: ours ${ours.gatewayCpuMsPerRequest.toFixed(1)} ms, @apollo/gateway ${apollo.gatewayCpuMsPerRequest.toFixed(1)} ms ` +
      `(${(apollo.gatewayCpuMsPerRequest / ours.gatewayCpuMsPerRequest).toFixed(2)}× less CPU per request for ours)`,
  );
}

for (const variant of figures.slice(3, -1)) {
  const cpu = (f: Figures) => (f.gatewayCpuMsPerRequest === null ? "?" : `${f.gatewayCpuMsPerRequest.toFixed(2)} ms`);
  const ratio =
    variant.gatewayCpuMsPerRequest !== null && ours.gatewayCpuMsPerRequest
      ? (variant.gatewayCpuMsPerRequest / ours.gatewayCpuMsPerRequest).toFixed(2)
      : "?";
  console.log(
    `${variant.target}: ${(variant.requestsPerSecond / ours.requestsPerSecond).toFixed(2)}× our gateway's req/s; gateway CPU per request ${cpu(variant)} ` +
      `against ${cpu(ours)} (${ratio}×)`,
  );
}

const totalCpu = (f: Figures) =>
  f.gatewayCpuMsPerRequest === null || f.subgraphCpuMsPerRequest === null || f.postgresCpuMsPerRequest === null
    ? null
    : f.gatewayCpuMsPerRequest + f.subgraphCpuMsPerRequest + f.postgresCpuMsPerRequest;
const oursTotal = totalCpu(ours);
const apolloTotal = totalCpu(apollo);
if (oursTotal !== null && apolloTotal !== null) {
  const cores = os.cpus().length;
  console.log(
    `CPU per request, gateway + subgraphs + PostgreSQL: ours ${oursTotal.toFixed(1)} ms, @apollo/gateway ${apolloTotal.toFixed(1)} ms ` +
      `(${(apolloTotal / oursTotal).toFixed(2)}×); ${cores} cores allow at most ${((cores * 1000) / oursTotal).toFixed(0)} and ` +
      `${((cores * 1000) / apolloTotal).toFixed(0)} req/s, before the load generator's share`,
  );
}

console.log("");
const small = await sqlPerRequest(10);
const large = await sqlPerRequest(500);
console.log(
  `SQL statements per gateway request: ${small} for 10 customers, ${large} for 500 customers` +
    (small === large ? " (the same)" : " (DIFFERENT: a resolver queries per record)"),
);
process.exit(0);
