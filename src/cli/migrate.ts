import { loadConfig } from "../config/config.js";
import { openDatabase } from "../db/database.js";
import { migrateLatest } from "../db/migrate.js";
import { runCli } from "./run-cli.js";

await runCli(async () => {
  const config = loadConfig();
  const db = await openDatabase(config.database);
  try {
    const { applied } = await migrateLatest(db.knex);
    console.log(
      applied.length
        ? `Applied ${applied.length} migration(s) to ${db.location}:\n${applied.map((m) => `  ${m}`).join("\n")}`
        : `${db.location} is up to date; no migration to apply.`,
    );
  } finally {
    await db.close();
  }
});
