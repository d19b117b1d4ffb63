// npm run sync as a user runs it: a child process (`node --import tsx src/cli/sync.ts …`) against both sandboxes
// (in this process, port 0) and a database of its own (a fresh database on DATABASE_URL's server, or an embedded one in
// a temporary folder, which the child opens after this process closed it).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startChargebeeSandbox, type ChargebeeSandbox } from "../../src/connectors/chargebee/sandbox/index.js";
import { startPowerOfficeSandbox, type PowerOfficeSandbox } from "../../src/connectors/poweroffice/sandbox/index.js";
import { openDatabase } from "../../src/db/database.js";
import { migrateLatest } from "../../src/db/migrate.js";
import { createTestDatabase, usingServer, type TestDatabase } from "../helpers/database.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

let po: PowerOfficeSandbox;
let cb: ChargebeeSandbox;
let serverDb: TestDatabase | undefined;
let dataDir: string | undefined;

function databaseEnv(): Record<string, string> {
  if (serverDb) {
    const connection = (serverDb.knex.client as { config: { connection: { connectionString: string } } }).config.connection;
    return { DATABASE_URL: connection.connectionString };
  }
  return { DATA_DIR: dataDir! };
}

function runSync(args: string[], database: Record<string, string> = databaseEnv()): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      POWEROFFICE_API_BASE_URL: po.apiBaseUrl,
      POWEROFFICE_TOKEN_URL: po.tokenUrl,
      POWEROFFICE_REQUESTS_PER_SECOND: "0",
      CHARGEBEE_SANDBOX_PORT: String(cb.port),
      CHARGEBEE_REQUESTS_PER_MINUTE: "0",
      SYNC_POLL_INTERVAL_SECONDS: "0",
      LOG_LEVEL: "error",
      LOG_FORMAT: "json",
      ...database,
    };
    if (!database.DATABASE_URL) delete env.DATABASE_URL;
    execFile(process.execPath, ["--import", "tsx", "src/cli/sync.ts", ...args], { cwd: ROOT, env, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function chargebeeWrites(): number {
  return cb.requestLog.list({}).filter((entry) => entry.method !== "GET").length;
}

function powerOfficeWrites(): number {
  return po.requestLog.entries().filter((entry) => entry.method !== "GET" && !/oauth/i.test(entry.path)).length;
}

describe("npm run sync", { timeout: 240_000 }, () => {
  before(async () => {
    po = await startPowerOfficeSandbox({ size: "demo", seed: 3 });
    cb = await startChargebeeSandbox({ size: "demo", seed: 3 });
    if (usingServer) {
      serverDb = await createTestDatabase();
    } else {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sync-cli-"));
      const db = await openDatabase({ dataDir, poolMax: 1 });
      await migrateLatest(db.knex);
      await db.close();
    }
  });

  after(async () => {
    await po?.close();
    await cb?.close();
    await serverDb?.dispose();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test("on a fresh embedded database it migrates first; on a PostgreSQL server it names the command to run", async () => {
    if (usingServer) {
      const fresh = await createTestDatabase({ migrate: false });
      try {
        const result = await runSync(["--dry-run", "--flow", "F7"], { DATABASE_URL: fresh.url! });
        assert.equal(result.code, 1);
        assert.match(result.stderr, /migration\(s\) not applied to .*Run npm run migrate, then npm run sync again\./);
      } finally {
        await fresh.dispose();
      }
      return;
    }
    const freshDir = fs.mkdtempSync(path.join(os.tmpdir(), "sync-cli-fresh-"));
    try {
      const result = await runSync(["--dry-run", "--flow", "F7"], { DATA_DIR: freshDir });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Migrated .*: applied \d+ migration\(s\)\./m);
      assert.match(result.stdout, /Dry run: nothing was written/);
    } finally {
      fs.rmSync(freshDir, { recursive: true, force: true });
    }
  });

  test("a bad flag gets a clear message with the usage, exit code 2, and starts nothing", async () => {
    const result = await runSync(["--mode", "sometimes", "--flow", "F1"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Unknown --mode "sometimes"\. Use one of: incremental, full, reconcile, dry-run\./);
    assert.match(result.stderr, /Usage: npm run sync -- \[options\]/);
    assert.equal(result.stdout, "");
    const unknownFlow = await runSync(["--flow", "F99"]);
    assert.equal(unknownFlow.code, 2);
    assert.match(unknownFlow.stderr, /Unknown flow\(s\): F99\. Known flows: F1, F2, F3, F4, F5, F6, F7, F8, F9, F10, F11, F12\./);
  });

  test("a dry run prints what it would create and writes nothing to either API", async () => {
    const [cbBefore, poBefore] = [chargebeeWrites(), powerOfficeWrites()];
    const result = await runSync(["--dry-run", "--flow", "F7"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Sync run [0-9a-f-]{36} \(dry-run, flows F7\): running in this process\./);
    assert.match(result.stdout, /Dry run: nothing was written\. It would: \d+ create/);
    const wouldCreate = Number(/Would create \((\d+)\):/.exec(result.stdout)?.[1]);
    assert.ok(wouldCreate > 0, "it lists the items it would create");
    assert.match(result.stdout, /F7 {2}chargebee item po-product-\d+/);
    assert.equal(chargebeeWrites(), cbBefore, "no write reached Chargebee");
    assert.equal(powerOfficeWrites(), poBefore, "no write reached PowerOffice");
  });

  test("a sync prints progress lines (not a terminal) and a summary table per flow, and creates the records", async () => {
    const itemsBefore = cb.store.dump("item").length;
    const result = await runSync(["--flow", "F7", "--mode", "full"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /: (queued, waiting for a worker|reading changes from both APIs|stage 1\/1 \(F7\)|succeeded)/);
    assert.match(result.stdout, /Flow\s+Seen\s+Created\s+Updated\s+Deleted\s+Unchanged\s+Conflicts\s+Quarantined\s+API calls\s+Duration/);
    const row = /F7 Products[^\n]*?\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(result.stdout);
    assert.ok(row, result.stdout);
    const created = Number(row[2]);
    assert.ok(created > 0);
    assert.equal(cb.store.dump("item").length - itemsBefore, created, "the table's count is what reached Chargebee");
    assert.match(result.stdout, /Sync succeeded \(run [0-9a-f-]{36}, full, flows F7\)\./);
  });
});
