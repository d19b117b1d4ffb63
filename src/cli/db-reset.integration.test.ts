import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "../../test/helpers/database.js";
import { startChargebeeSandbox } from "../connectors/chargebee/sandbox/index.js";
import { startPowerOfficeSandbox } from "../connectors/poweroffice/sandbox/index.js";
import { sandboxStateDirectory } from "../connectors/sandbox-state/index.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let dataDir: string;
let database: TestDatabase | undefined;

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "db-reset-"));
  // On PostgreSQL the reset runs on a database of this test's own; embedded, on the one under dataDir.
  if (process.env.DATABASE_URL) database = await createTestDatabase({ migrate: false });
});

after(async () => {
  await database?.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function dbReset(): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "warn" };
  if (database?.url) env.DATABASE_URL = database.url;
  else delete env.DATABASE_URL;
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/db-reset.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}

describe("npm run db:reset", () => {
  const stateDirectory = () => sandboxStateDirectory(dataDir);

  test("refuses while a sandbox runs on the saved state, and resets nothing", async () => {
    const running = await startChargebeeSandbox({ stateDirectory: stateDirectory() });
    try {
      const { code, output } = await dbReset();
      assert.equal(code, 1, output);
      assert.match(output, new RegExp(`A sandbox \\(process ${process.pid}\\) is running on the saved state`));
      assert.match(output, /nothing was reset/);
      assert.ok(fs.existsSync(path.join(stateDirectory(), "chargebee.snapshot.jsonl")));
    } finally {
      await running.close();
    }
  });

  test("resets the database and deletes both sandboxes' saved state, and says so", async () => {
    const po = await startPowerOfficeSandbox({ stateDirectory: stateDirectory() });
    const cb = await startChargebeeSandbox({ stateDirectory: stateDirectory() });
    const product = po.store.create("Products", { Name: "Borte etter db:reset" });
    cb.store.edit("customer", "cb-kari-nordmann", { phone: "+47 00 00 00 00" });
    await po.close();
    await cb.close();

    const { code, output } = await dbReset();
    assert.equal(code, 0, output);
    assert.match(output, /Reset .*: rolled back \d+ and applied \d+ migration\(s\)\. All synced data is gone\./);
    assert.ok(output.includes(`Reset the sandboxes in ${stateDirectory()}: deleted 4 file(s) of saved state`), output);
    assert.deepEqual(
      fs.readdirSync(stateDirectory()).filter((name) => name.endsWith(".jsonl")),
      [],
    );

    const poAgain = await startPowerOfficeSandbox({ stateDirectory: stateDirectory() });
    const cbAgain = await startChargebeeSandbox({ stateDirectory: stateDirectory() });
    try {
      assert.equal(poAgain.savedState?.restored, false, "seeded afresh");
      assert.equal(poAgain.store.get("Products", product.Id as number), undefined);
      assert.equal(cbAgain.savedState?.restored, false);
      assert.notEqual(cbAgain.store.retrieve("customer", "cb-kari-nordmann").phone, "+47 00 00 00 00");
    } finally {
      await poAgain.close();
      await cbAgain.close();
    }

    const again = await dbReset();
    assert.equal(again.code, 0, again.output);
    assert.ok(again.output.includes("deleted 4 file(s)"), "the fresh sandboxes saved their seed");
  });
});
