import { test, after } from "node:test";
import assert from "node:assert/strict";
import { CommitBuffer, commitBuffer } from "../../src/sync/engine/commit.js";
import { createTestDatabase } from "../helpers/database.js";

const db = await createTestDatabase();
after(() => db.dispose());

// Before the fix, resolving quarantine entries used a row-value IN list of up to 500 tuples; on the embedded
// database such a statement returned nothing from ~275 tuples and later statements PANICked.
test("a batch releasing thousands of quarantined records resolves them all and leaves others open", async () => {
  const total = 3000;
  const ids = Array.from({ length: total + 1 }, (_, i) => `cp-${i}`);
  const quarantined = new CommitBuffer();
  for (const sourceId of ids) {
    quarantined.quarantined({
      flow: "F1",
      system: "poweroffice",
      entity: "ContactPerson",
      sourceId,
      reason: "invalid email",
      payload: { sourceId },
      contentHash: `h-${sourceId}`,
    });
  }
  await commitBuffer(db.knex, quarantined);

  const released = new CommitBuffer();
  for (const sourceId of ids.slice(0, total)) {
    released.state({
      flow: "F1",
      system: "poweroffice",
      entity: "ContactPerson",
      sourceId,
      contentHash: `h2-${sourceId}`,
      status: "done",
      reason: null,
    });
  }
  await commitBuffer(db.knex, released);

  const counts = (await db.knex("quarantine").groupBy("status").select("status").count({ count: "*" })) as Array<{
    status: string;
    count: number | string;
  }>;
  assert.deepEqual(Object.fromEntries(counts.map((row) => [row.status, Number(row.count)])), { resolved: total, open: 1 });
  const open = await db.knex("quarantine").where({ status: "open" }).first("source_id");
  assert.equal(open?.source_id, `cp-${total}`);
  const [{ count }] = (await db.knex("sync_record_state").count({ count: "*" })) as Array<{ count: number | string }>;
  assert.equal(Number(count), total);
});
