import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";
import { describeSchema } from "../../src/db/schema-snapshot.js";
import { MIGRATIONS_DIRECTORY } from "../../src/db/migrations-config.js";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => db.dispose());

test("the migrations build exactly the committed schema snapshot (refresh it with npm run db:snapshot)", async () => {
  const expected = fs.readFileSync(path.join(MIGRATIONS_DIRECTORY, "schema.snapshot.txt"), "utf8");
  assert.equal(await describeSchema(db.knex), expected);
});
