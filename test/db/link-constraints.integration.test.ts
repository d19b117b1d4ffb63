import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import { createTestDatabase, withRollback, type TestDatabase } from "../helpers/database.js";

async function unified(trx: Knex.Transaction, kind = "customer"): Promise<string> {
  const id = randomUUID();
  await trx("unified_records").insert({ id, kind });
  return id;
}

/** Runs one statement expected to fail inside a savepoint, so the surrounding test transaction stays usable. */
async function violation(trx: Knex.Transaction, statement: (inner: Knex.Transaction) => Promise<unknown>): Promise<string> {
  try {
    await trx.transaction(async (inner) => {
      await statement(inner);
    });
  } catch (error) {
    return (error as { constraint?: string; message: string }).constraint ?? (error as Error).message;
  }
  assert.fail("expected a constraint violation");
}

describe("link table constraints", () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db.dispose());

  test("a source record belongs to at most one unified record per flow", () =>
    withRollback(db.knex, async (trx) => {
      const kari = await unified(trx);
      const other = await unified(trx);
      const contactPerson = { system: "poweroffice", entity: "ContactPerson", source_id: "101", flow: "F1" };
      await trx("links").insert({ ...contactPerson, unified_id: kari });
      const constraint = await violation(trx, (inner) => inner("links").insert({ ...contactPerson, unified_id: other }));
      assert.equal(constraint, "links_one_unified_per_flow");
    }));

  test("one Chargebee customer may back several flows (the same person in several PowerOffice roles)", () =>
    withRollback(db.knex, async (trx) => {
      const person = await unified(trx);
      const chargebeeCustomer = { system: "chargebee", entity: "customer", source_id: "po-contactperson-101", unified_id: person };
      await trx("links").insert([
        { ...chargebeeCustomer, flow: "F1" },
        { ...chargebeeCustomer, flow: "F2" },
        { system: "poweroffice", entity: "ContactPerson", source_id: "101", flow: "F1", unified_id: person },
        { system: "poweroffice", entity: "Employee", source_id: "7", flow: "F2", unified_id: person },
      ]);
      const rows = await trx("links").where({ unified_id: person }).count<{ count: number }[]>({ count: "*" });
      assert.equal(Number(rows[0]!.count), 4);
    }));

  test("links need an existing unified record and valid systems and states", () =>
    withRollback(db.knex, async (trx) => {
      const link = { system: "poweroffice", entity: "Product", source_id: "7", flow: "F7" };
      assert.equal(await violation(trx, (inner) => inner("links").insert({ ...link, unified_id: randomUUID() })), "links_unified_id_foreign");
      const item = await unified(trx, "item");
      assert.equal(await violation(trx, (inner) => inner("links").insert({ ...link, system: "sap", unified_id: item })), "links_system_check");
      assert.equal(await violation(trx, (inner) => inner("links").insert({ ...link, status: "maybe", unified_id: item })), "links_status_check");
      assert.equal(
        await violation(trx, (inner) => inner("unified_records").insert({ id: randomUUID(), kind: "invoice" })),
        "unified_records_kind_check",
      );
    }));

  test("deleting a unified record removes its links and conflicts", () =>
    withRollback(db.knex, async (trx) => {
      const item = await unified(trx, "item");
      await trx("links").insert({ system: "chargebee", entity: "item", source_id: "po-product-7", flow: "F7", unified_id: item });
      await trx("conflicts").insert({ unified_id: item, flow: "F7", field: "name", winner: "poweroffice", reason: "newer change" });
      await trx("unified_records").where({ id: item }).delete();
      assert.equal((await trx("links").where({ unified_id: item })).length, 0);
      assert.equal((await trx("conflicts").where({ unified_id: item })).length, 0);
    }));

  test("a record has at most one quarantine entry per flow and one pending outbox write per lookup key", () =>
    withRollback(db.knex, async (trx) => {
      const record = { flow: "F1", system: "poweroffice", entity: "ContactPerson", source_id: "9", reason: "invalid email" };
      await trx("quarantine").insert(record);
      assert.equal(await violation(trx, (inner) => inner("quarantine").insert(record)), "quarantine_one_per_record");
      const write = { system: "poweroffice", entity: "Customer", operation: "create", lookup_key: "cb:acme", payload: "{}" };
      await trx("outbox").insert({ ...write, id: randomUUID() });
      assert.equal(await violation(trx, (inner) => inner("outbox").insert({ ...write, id: randomUUID() })), "outbox_one_pending_write");
      await trx("outbox").where({ lookup_key: "cb:acme" }).update({ status: "done" });
      await trx("outbox").insert({ ...write, id: randomUUID() });
    }));
});
