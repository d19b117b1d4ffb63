import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, withRollback, type TestDatabase } from "../../test/helpers/database.js";
import { contentHash } from "./content-hash.js";
import { storeRecords, upsertRecords } from "./upsert-records.js";
import { getRecords, readChanges } from "./read-records.js";

describe("dataset store", () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db.dispose());

  test("a record whose content did not change keeps its change sequence", () =>
    withRollback(db.knex, async (trx) => {
      const kari = {
        system: "poweroffice",
        entity: "ContactPerson",
        sourceId: "1",
        data: { FirstName: "Kari", EmailAddress: "Kari@Example.no" },
        email: "Kari@Example.no",
      } as const;
      const first = await upsertRecords(trx, [kari]);
      assert.equal(first.changed.length, 1);
      assert.equal(first.changed[0]!.email, "kari@example.no");

      const again = await upsertRecords(trx, [{ ...kari, data: { EmailAddress: "Kari@Example.no", FirstName: "Kari" } }]);
      assert.deepEqual([again.changed.length, again.unchanged], [0, 1], "same content in another key order is unchanged");

      const edited = await upsertRecords(trx, [{ ...kari, data: { ...kari.data, FirstName: "Karianne" } }]);
      assert.equal(edited.changed.length, 1);
      assert.ok(edited.changed[0]!.changeSeq > first.changed[0]!.changeSeq);

      const changes = await readChanges(trx, { afterSeq: first.changed[0]!.changeSeq });
      assert.deepEqual(
        changes.map((c) => c.data.FirstName),
        ["Karianne"],
      );
    }));

  test("a delete is a change, and the same id twice in one batch keeps the last copy", () =>
    withRollback(db.knex, async (trx) => {
      const base = { system: "chargebee", entity: "customer", sourceId: "po-contactperson-1" } as const;
      await upsertRecords(trx, [
        { ...base, data: { email: "a@b.no" } },
        { ...base, data: { email: "c@d.no" } },
      ]);
      const [stored] = await getRecords(trx, "chargebee", "customer", ["po-contactperson-1"]);
      assert.equal(stored!.data.email, "c@d.no");
      const deleted = await upsertRecords(trx, [{ ...base, data: { email: "c@d.no" }, deleted: true }]);
      assert.equal(deleted.changed.length, 1);
      assert.equal(deleted.changed[0]!.deleted, true);
    }));

  test("storeRecords stores the same way and answers only counts; a hash given with the record is the one stored", () =>
    withRollback(db.knex, async (trx) => {
      const product = { system: "poweroffice", entity: "Product", sourceId: "9", data: { Name: "Sykkel", UnitPrice: 100 } } as const;
      assert.deepEqual(await storeRecords(trx, [product, { ...product, sourceId: "10" }]), { changed: 2, unchanged: 0, failed: [] });
      assert.deepEqual(await storeRecords(trx, [{ ...product, data: { UnitPrice: 100, Name: "Sykkel" } }]), { changed: 0, unchanged: 1, failed: [] });
      const edited = { ...product, data: { Name: "Sykkel", UnitPrice: 120 } };
      assert.deepEqual(await storeRecords(trx, [{ ...edited, contentHash: contentHash(edited.data) }]), { changed: 1, unchanged: 0, failed: [] });
      const [stored] = await getRecords(trx, "poweroffice", "Product", ["9"]);
      assert.equal(stored!.contentHash, contentHash(edited.data));
      assert.equal(stored!.data.UnitPrice, 120);
    }));

  test("an older Chargebee copy (lower resource_version) never replaces a newer one; a newer one does", () =>
    withRollback(db.knex, async (trx) => {
      const base = { system: "chargebee", entity: "customer", sourceId: "cb-versioned" } as const;
      await storeRecords(trx, [{ ...base, data: { first_name: "Ny", resource_version: 2000 } }]);
      assert.deepEqual(await storeRecords(trx, [{ ...base, data: { first_name: "Gammel", resource_version: 1000 } }]), {
        changed: 0,
        unchanged: 1,
        failed: [],
      });
      assert.equal((await getRecords(trx, "chargebee", "customer", ["cb-versioned"]))[0]!.data.first_name, "Ny");
      assert.deepEqual(await storeRecords(trx, [{ ...base, data: { first_name: "Nyere", resource_version: 3000 } }]), {
        changed: 1,
        unchanged: 0,
        failed: [],
      });
      await storeRecords(trx, [{ ...base, data: { first_name: "Uten versjon" } }]);
      assert.equal(
        (await getRecords(trx, "chargebee", "customer", ["cb-versioned"]))[0]!.data.first_name,
        "Uten versjon",
        "no version: stored as before",
      );
      const product = { system: "poweroffice", entity: "Product", sourceId: "77" } as const;
      await storeRecords(trx, [{ ...product, data: { Name: "B", resource_version: 2 } }]);
      await storeRecords(trx, [{ ...product, data: { Name: "A", resource_version: 1 } }]);
      assert.equal((await getRecords(trx, "poweroffice", "Product", ["77"]))[0]!.data.Name, "A", "only Chargebee copies are compared by version");
    }));

  test("text the database cannot hold is stored replaced, with the exact original and the issues beside it", () =>
    withRollback(db.knex, async (trx) => {
      const data = { Id: 5, FirstName: "Nul\u0000Name", LastName: "Par\ud800", EmailAddress: "nul@example.no" };
      const result = await storeRecords(trx, [
        { system: "poweroffice", entity: "ContactPerson", sourceId: "5", data, name: "Nul\u0000Name Par\ud800" },
      ]);
      assert.deepEqual(result, { changed: 1, unchanged: 0, failed: [] });
      const row = await trx("dataset_records")
        .where({ entity: "ContactPerson", source_id: "5" })
        .first("data", "raw_json", "data_issues", "name", "content_hash");
      assert.deepEqual(row.data, { Id: 5, FirstName: "Nul\u2400Name", LastName: "Par\ufffd", EmailAddress: "nul@example.no" });
      assert.deepEqual(JSON.parse(row.raw_json), data, "nothing is lost");
      assert.deepEqual(
        row.data_issues.map((issue: { path: string }) => issue.path),
        ["FirstName", "LastName"],
      );
      assert.equal(row.name, "Nul\u2400Name Par\ufffd");
      assert.equal(row.content_hash, contentHash(data), "the hash is of the original, so a real change is still seen");
      const again = await storeRecords(trx, [{ system: "poweroffice", entity: "ContactPerson", sourceId: "5", data }]);
      assert.deepEqual(again, { changed: 0, unchanged: 1, failed: [] });
    }));

  test("a record the database refuses is set aside with its reason; the rest of the statement is stored", () =>
    withRollback(db.knex, async (trx) => {
      // An index entry holds at most about 2.7 kB: a 4,000-character random customer_id cannot be indexed.
      const hugeId = Array.from(
        { length: 4000 },
        (_, n) => "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(n * 7919 + ((n * n) % 61)) % 62],
      ).join("");
      const orders = Array.from({ length: 20 }, (_, n) => ({
        system: "chargebee" as const,
        entity: "order",
        sourceId: `ord-${n}`,
        data: { id: `ord-${n}`, customer_id: n === 13 ? hugeId : `cust-${n}`, resource_version: 1 },
      }));
      const result = await storeRecords(trx, orders);
      assert.equal(result.changed, 19);
      assert.deepEqual(
        result.failed.map((failure) => failure.record.sourceId),
        ["ord-13"],
      );
      assert.match(result.failed[0]!.reason, /^Chargebee order ord-13 cannot be stored: .*\(SQLSTATE 54000\)$/);
      assert.equal(
        (
          await getRecords(
            trx,
            "chargebee",
            "order",
            orders.map((order) => order.sourceId),
          )
        ).length,
        19,
      );
    }));

  test("a record that cannot even be prepared (an invalid change time) is set aside without a statement", () =>
    withRollback(db.knex, async (trx) => {
      const result = await storeRecords(trx, [
        { system: "chargebee", entity: "customer", sourceId: "bad-time", data: { id: "bad-time" }, sourceChangedAt: new Date(Number.NaN) },
        { system: "chargebee", entity: "customer", sourceId: "good-time", data: { id: "good-time" }, sourceChangedAt: new Date() },
      ]);
      assert.equal(result.changed, 1);
      assert.deepEqual(
        result.failed.map((failure) => failure.reason),
        ["Chargebee customer bad-time cannot be stored: its change time is not a valid date"],
      );
    }));

  test("rolled-back tests leave nothing behind", async () => {
    const count = await db.knex("dataset_records").count<{ count: number }[]>({ count: "*" });
    assert.equal(Number(count[0]!.count), 0);
  });
});
