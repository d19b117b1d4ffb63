// Writes migrations/schema.snapshot.txt from a fresh in-memory database migrated to the latest version.
import fs from "node:fs";
import path from "node:path";
import { openDatabase } from "../src/db/database.js";
import { migrateLatest } from "../src/db/migrate.js";
import { describeSchema } from "../src/db/schema-snapshot.js";
import { MIGRATIONS_DIRECTORY } from "../src/db/migrations-config.js";

const db = await openDatabase({ dataDir: ".data", poolMax: 1 }, { inMemory: true });
try {
  await migrateLatest(db.knex);
  const target = path.join(MIGRATIONS_DIRECTORY, "schema.snapshot.txt");
  fs.writeFileSync(target, await describeSchema(db.knex));
  console.log(`Wrote ${path.relative(process.cwd(), target)}`);
} finally {
  await db.close();
}
