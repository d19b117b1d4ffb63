/**
 * The production build (npm run build → dist/) under plain node, without tsx, as the Docker image runs it: what the
 * output holds, every `:dist` npm script's entry point loading all its modules, the built migrate applying the
 * migrations under the names tsx records, and (on a PostgreSQL server) the built subgraphs, gateway and worker starting,
 * answering and stopping on SIGTERM.
 *
 * dist/ is used when its build-info.json says it was built from the sources as they are now (CI builds before the
 * tests). Otherwise this file first builds into a directory of its own under .data-test/ (10–20 s), so a stale or
 * missing dist/ can neither fail nor pass it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { graphql as execute } from "graphql";
import { openDatabase } from "../../src/db/database.js";
import { pendingMigrations } from "../../src/db/migrate.js";
import { buildSubgraph, SUBGRAPH_NAMES, type SubgraphName } from "../../subgraphs/index.js";
import { buildInputsDigest, readBuildInfo, ROOT, RUNTIME_FILES } from "../../scripts/build-inputs.js";
import { createTestDatabase, usingServer, type TestDatabase } from "../helpers/database.js";
import { freePort } from "../helpers/free-port.js";

const run = promisify(execFile);
const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
/** The test's environment without NODE_OPTIONS, which could load tsx into the built processes too. */
const BASE_ENV: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: undefined };
const MIGRATIONS = fs
  .readdirSync(path.join(ROOT, "migrations"))
  .filter((name) => name.endsWith(".cjs"))
  .sort();

/** The build under test: dist/ when it is current, else a fresh build of its own. */
let out = path.join(ROOT, "dist");
let ownBuild: string | undefined;

before(async () => {
  if (readBuildInfo(out)?.inputs === buildInputsDigest()) return;
  ownBuild = path.join(ROOT, ".data-test", `build-${process.pid}-${randomBytes(3).toString("hex")}`);
  console.log(`dist/ is missing or older than the sources: building into ${path.relative(ROOT, ownBuild)}/ for this test`);
  await run(process.execPath, ["--import", "tsx", "scripts/build.ts", "--out-dir", ownBuild], { cwd: ROOT });
  out = ownBuild;
});

after(() => {
  if (ownBuild) fs.rmSync(ownBuild, { recursive: true, force: true });
});

/** A `:dist` npm script as node's arguments, its dist/ path pointed at the build under test. */
function distCommand(script: string): string[] {
  const words = scripts[script]!.split(/\s+/);
  assert.equal(words[0], "node", `${script} runs plain node`);
  const file = words.at(-1)!;
  assert.match(file, /^dist\/.+\.js$/, `${script} runs a module of dist/`);
  return [...words.slice(1, -1), path.join(out, file.slice("dist/".length))];
}

const DIST_SCRIPTS = Object.keys(scripts).filter((name) => name.endsWith(":dist"));

function filesUnder(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(directory, entry.name);
    return entry.isDirectory() ? filesUnder(file) : [path.relative(out, file)];
  });
}

test("the build holds the product's modules and the files they read, and no test, bench or dev script", () => {
  const files = filesUnder(out);
  const modules = files.filter((file) => file.endsWith(".js"));
  assert.ok(modules.length > 100, `only ${modules.length} modules`);
  assert.deepEqual(
    files.filter((file) => /\.test\.js$|test-support|^(test|bench|scripts)\//.test(file)),
    [],
    "tests, test support, benches and scripts stay out of the build (tsconfig.build.json)",
  );
  assert.deepEqual(fs.readdirSync(path.join(out, "migrations")).sort(), MIGRATIONS, "the migrations, under their own names");
  for (const { from } of RUNTIME_FILES) assert.ok(fs.existsSync(path.join(out, from)), `${from} is copied`);
  // As under tsx: no design:type metadata, so no decorated class refers to another while its module loads.
  const withMetadata = modules.filter((file) => fs.readFileSync(path.join(out, file), "utf8").includes("__metadata("));
  assert.deepEqual(withMetadata, [], "no decorator metadata in the build");
});

test("every :dist script's entry point loads all its modules under plain node, then stops at a bad setting", async () => {
  assert.deepEqual(DIST_SCRIPTS.sort(), [
    "gateway:dist",
    "migrate:dist",
    "start:dist",
    "subgraph:chargebee:dist",
    "subgraph:link:dist",
    "subgraph:poweroffice:dist",
    "sync:dist",
    "worker:dist",
  ]);
  // The configuration is read after every static import is loaded, so this fails on a missing module, a .ts path or
  // a file the build left out before it can fail on LOG_LEVEL.
  const env = { ...BASE_ENV, LOG_LEVEL: "loud" };
  await Promise.all(
    DIST_SCRIPTS.map(async (script) => {
      const result = await run(process.execPath, distCommand(script), { cwd: ROOT, env }).then(
        () => ({ code: 0, stderr: "" }),
        (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
      );
      assert.equal(result.code, 1, `${script}: ${result.stderr}`);
      assert.match(result.stderr, /LOG_LEVEL must be one of/, `${script} stops at the configuration check`);
    }),
  );
  const help = await run(process.execPath, [...distCommand("sync:dist"), "--help"], { cwd: ROOT, env: BASE_ENV });
  assert.match(help.stdout, /--mode/);
});

/** Runs a built CLI to its end. */
async function runBuilt(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run(process.execPath, distCommand(script), { cwd: ROOT, env: { ...BASE_ENV, ...env } });
  return stdout;
}

test("the built migrate applies the migrations under the names tsx records", { timeout: 120_000 }, async () => {
  if (usingServer) {
    const db = await createTestDatabase({ migrate: false });
    try {
      assert.match(await runBuilt("migrate:dist", { DATABASE_URL: db.url! }), new RegExp(`^Applied ${MIGRATIONS.length} migration\\(s\\)`));
      assert.match(await runBuilt("migrate:dist", { DATABASE_URL: db.url! }), /is up to date; no migration to apply/);
      const recorded = await db.knex("knex_migrations").orderBy("id").pluck("name");
      assert.deepEqual(recorded, MIGRATIONS);
      assert.deepEqual(await pendingMigrations(db.knex), [], "the sources (under tsx) find nothing to apply");
    } finally {
      await db.dispose();
    }
    return;
  }
  // The embedded engine, in a data directory of its own: the build must find PGlite's WebAssembly and the migrations.
  const dataDir = path.join(ROOT, ".data-test", `migrate-${process.pid}-${randomBytes(3).toString("hex")}`);
  try {
    const env = { DATABASE_URL: "", DATA_DIR: dataDir };
    assert.match(await runBuilt("migrate:dist", env), new RegExp(`^Applied ${MIGRATIONS.length} migration\\(s\\)`));
    const db = await openDatabase({ dataDir, poolMax: 1 });
    try {
      assert.deepEqual(await pendingMigrations(db.knex), [], "the sources (under tsx) find nothing to apply");
    } finally {
      await db.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

interface BuiltProcess {
  name: string;
  child: ChildProcess;
  /** The `msg` of each JSON log line (or the line itself), stdout and stderr together. */
  messages: string[];
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

/** Starts a `:dist` script's entry point and resolves once it logs a message starting with `ready`. */
async function startBuilt(script: string, env: NodeJS.ProcessEnv, ready: string, started: BuiltProcess[]): Promise<BuiltProcess> {
  const child = spawn(process.execPath, distCommand(script), {
    cwd: ROOT,
    env: { ...BASE_ENV, LOG_FORMAT: "json", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const built: BuiltProcess = { name: script, child, messages: [], exited: once(child, "exit") as BuiltProcess["exited"] };
  started.push(built);
  await new Promise<void>((resolve, reject) => {
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => {
        let msg = line;
        try {
          msg = (JSON.parse(line) as { msg?: string }).msg ?? line;
        } catch {
          // not a log line: kept as it is
        }
        built.messages.push(msg);
        if (msg.startsWith(ready)) resolve();
      });
    }
    void built.exited.then(([code]) => reject(new Error(`${script} exited with ${code} before "${ready}":\n${built.messages.join("\n")}`)));
  });
  return built;
}

async function graphql(url: string, query: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query }) });
  return { status: response.status, body: await response.json() };
}

describe(
  "the built subgraphs, gateway and worker, as docker-compose.yml runs them",
  { skip: usingServer ? false : "needs a PostgreSQL server (DATABASE_URL): separate processes cannot share the embedded database", timeout: 180_000 },
  () => {
    const SECRET = randomBytes(16).toString("hex");
    const API_KEY = randomBytes(24).toString("hex");
    const processes: BuiltProcess[] = [];
    let db: TestDatabase;
    let env: NodeJS.ProcessEnv;
    const subgraphUrls = {} as Record<SubgraphName, string>;
    let gatewayUrl: string;

    before(async () => {
      db = await createTestDatabase();
      const ports = { poweroffice: await freePort(), chargebee: await freePort(), link: await freePort() };
      for (const name of SUBGRAPH_NAMES) subgraphUrls[name] = `http://127.0.0.1:${ports[name]}/graphql`;
      env = {
        DATABASE_URL: db.url!,
        SUBGRAPH_SECRET: SECRET,
        POWEROFFICE_SUBGRAPH_PORT: String(ports.poweroffice),
        CHARGEBEE_SUBGRAPH_PORT: String(ports.chargebee),
        LINK_SUBGRAPH_PORT: String(ports.link),
      };
    });

    after(async () => {
      for (const { child } of processes) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await Promise.all(processes.map((p) => p.exited));
      await db?.dispose();
    });

    test("each built subgraph serves the SDL the sources build", async () => {
      await Promise.all(SUBGRAPH_NAMES.map((name) => startBuilt(`subgraph:${name}:dist`, env, `subgraph ${name} ready at`, processes)));
      for (const name of SUBGRAPH_NAMES) {
        const { status, body } = await graphql(subgraphUrls[name], "{ _service { sdl } }", { "x-subgraph-secret": SECRET });
        assert.equal(status, 200);
        const fromSources = await execute({ schema: (await buildSubgraph(name)).schema, source: "{ _service { sdl } }" });
        assert.deepEqual(body, JSON.parse(JSON.stringify(fromSources)), `subgraph ${name}: compiled by tsc, the same schema as under tsx`);
      }
    });

    test("the built gateway composes them, is ready and answers a query over all three", async () => {
      const port = await freePort();
      gatewayUrl = `http://127.0.0.1:${port}`;
      await startBuilt(
        "gateway:dist",
        {
          ...env,
          PORT: String(port),
          API_KEYS: `test:reader:${API_KEY}`,
          POWEROFFICE_SUBGRAPH_URL: subgraphUrls.poweroffice,
          CHARGEBEE_SUBGRAPH_URL: subgraphUrls.chargebee,
          LINK_SUBGRAPH_URL: subgraphUrls.link,
        },
        "gateway serving",
        processes,
      );
      const ready = await fetch(`${gatewayUrl}/readyz`);
      assert.equal(ready.status, 200, await ready.text());
      const answer = await graphql(
        `${gatewayUrl}/graphql`,
        "{ powerofficeCustomers(first: 1) { totalCount } chargebeeCustomers(first: 1) { totalCount } customers(first: 1) { totalCount } }",
        { "x-api-key": API_KEY },
      );
      assert.deepEqual(answer, {
        status: 200,
        body: { data: { powerofficeCustomers: { totalCount: 0 }, chargebeeCustomers: { totalCount: 0 }, customers: { totalCount: 0 } } },
      });
    });

    test("the built worker starts on the migrated database", async () => {
      await startBuilt("worker:dist", { ...env, WORKER_SCHEMA_WAIT_SECONDS: "0", SYNC_POLL_INTERVAL_SECONDS: "0" }, "sync worker started", processes);
    });

    test("on SIGTERM each stops gracefully and exits 0", async () => {
      assert.equal(processes.length, 5, "every process above started");
      for (const { child } of processes) child.kill("SIGTERM");
      for (const { name, exited, messages } of processes) {
        const [code, signal] = await exited;
        assert.deepEqual({ code, signal }, { code: 0, signal: null }, `${name}:\n${messages.join("\n")}`);
      }
    });
  },
);
