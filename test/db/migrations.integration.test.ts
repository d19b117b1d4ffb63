import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { MIGRATIONS_DIRECTORY } from "../../src/db/migrations-config.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";
import { migrateLatest, pendingMigrations, rollbackAll } from "../../src/db/migrate.js";

// The tables the committed schema snapshot describes (one source of truth with the snapshot test).
const EXPECTED_TABLES = fs
  .readFileSync(path.join(MIGRATIONS_DIRECTORY, "schema.snapshot.txt"), "utf8")
  .split("\n")
  .filter((line) => line.startsWith("table "))
  .map((line) => line.slice("table ".length))
  .sort();
const CORE_TABLES = [
  "conflicts",
  "dataset_records",
  "links",
  "outbox",
  "quarantine",
  "sync_cursors",
  "sync_events",
  "sync_runs",
  "unified_records",
  "webhook_events",
];

async function appTables(db: TestDatabase): Promise<string[]> {
  const rows = await db
    .knex("information_schema.tables")
    .where({ table_schema: "public", table_type: "BASE TABLE" })
    .whereNot("table_name", "like", "knex_migrations%")
    .orderBy("table_name")
    .pluck("table_name");
  return rows as string[];
}

describe(`migrations (${process.env.DATABASE_URL ? "PostgreSQL server" : "embedded PostgreSQL"})`, () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  after(async () => db.dispose());

  test("apply from empty, roll back to empty, and apply again", async () => {
    assert.deepEqual(await appTables(db), []);
    const first = await migrateLatest(db.knex);
    assert.ok(first.applied.length >= 3, `expected the migrations to apply, got ${first.applied.join(", ")}`);
    assert.deepEqual(await appTables(db), EXPECTED_TABLES);
    for (const table of CORE_TABLES) assert.ok(EXPECTED_TABLES.includes(table), `${table} is missing from the schema`);
    assert.deepEqual(await pendingMigrations(db.knex), []);

    const rolledBack = await rollbackAll(db.knex);
    assert.deepEqual(rolledBack.sort(), first.applied.sort());
    assert.deepEqual(await appTables(db), []);

    const again = await migrateLatest(db.knex);
    assert.deepEqual(again.applied, first.applied);
    assert.deepEqual(await appTables(db), EXPECTED_TABLES);
  });

  test("a second migrate is a no-op", async () => {
    await migrateLatest(db.knex);
    const second = await migrateLatest(db.knex);
    assert.deepEqual(second.applied, []);
  });

  test("migration names carry the .cjs extension everywhere", async () => {
    const names = (await db.knex("knex_migrations").orderBy("id").pluck("name")) as string[];
    assert.ok(names.length >= 3);
    for (const name of names) assert.match(name, /^\d{14}_[a-z_]+\.cjs$/);
  });
});
