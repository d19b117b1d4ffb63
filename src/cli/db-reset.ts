import { loadConfig } from "../config/config.js";
import { openDatabase } from "../db/database.js";
import { migrateLatest, rollbackAll } from "../db/migrate.js";
import { runCli } from "./run-cli.js";

await runCli(async () => {
  const config = loadConfig();
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
});
