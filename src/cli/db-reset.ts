import { loadConfig } from "../config/config.js";
import { assertNoSandboxRunning, deleteSavedState, sandboxStateDirectory } from "../connectors/sandbox-state/index.js";
import { openDatabase } from "../db/database.js";
import { migrateLatest, rollbackAll } from "../db/migrate.js";
import { runCli } from "./run-cli.js";

await runCli(async () => {
  const config = loadConfig();
  const sandboxState = sandboxStateDirectory(config.database.dataDir);
  // Both or neither: a reset database beside a sandbox that keeps its records (or the reverse) is the mismatch
  // a reset is meant to clear.
  assertNoSandboxRunning(sandboxState);
  const db = await openDatabase(config.database);
  try {
    const rolledBack = await rollbackAll(db.knex);
    // pg-boss keeps its queue in a schema of its own; a reset clears it too.
    await db.knex.raw("drop schema if exists pgboss cascade");
    const { applied } = await migrateLatest(db.knex);
    console.log(`Reset ${db.location}: rolled back ${rolledBack.length} and applied ${applied.length} migration(s). All synced data is gone.`);
  } finally {
    await db.close();
  }
  const deleted = deleteSavedState(sandboxState);
  const next = `they start from their demo data (DEMO_SEED ${config.demo.seed}, DEMO_SIZE ${config.demo.size}) next time`;
  console.log(
    deleted.length > 0
      ? `Reset the sandboxes in ${sandboxState}: deleted ${deleted.length} file(s) of saved state; ${next}.`
      : `Reset the sandboxes in ${sandboxState}: there was no saved state; ${next}.`,
  );
});
