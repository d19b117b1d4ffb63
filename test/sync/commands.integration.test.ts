import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { runFlows } from "../../src/sync/engine/run.js";
import type { DryRunPlan } from "../../src/sync/model/types.js";
import { SyncCommandError } from "../../src/sync/model/errors.js";
import { chargebeeOrderId } from "../../src/sync/flows/f8-sales-orders.js";
import { linkRecords, resolveConflict, retryQuarantined, unlinkRecord } from "../../src/sync/commands/link-commands.js";
import { countActionable, listActionable } from "../../src/sync/commands/actionable.js";
import { startSyncHarness, type SyncHarness } from "./harness.js";

describe("dry run, link commands and crash recovery", () => {
  let h: SyncHarness;
  before(async () => {
    h = await startSyncHarness();
  });
  after(async () => h?.close());

  test("a dry run lists what it would create and writes nothing to either system", async () => {
    const plan: DryRunPlan = { writes: [], quarantined: [] };
    h.resetStats();
    const counts = await runFlows({ ...h.ctx, dryRun: true, plan }, { mode: "dry-run" });
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 });
    const special = h.po.store.special;
    const person = h.po.store
      .all("ContactPersons")
      .find((row) => row.Id !== special.sharedPerson.contactPersonId && row.Id !== special.invalidEmailContactPerson.id)!;
    assert.ok(plan.writes.some((write) => write.action === "create" && write.id === `po-contactperson-${String(person.Id)}`));
    assert.equal(plan.quarantined.length, 2);
    assert.equal(counts.created, plan.writes.filter((write) => write.action === "create").length);
    const links = await h.db.knex("links").count<{ n: number }[]>({ n: "*" });
    assert.equal(Number(links[0]!.n), 0, "no link was recorded");
    const created = await h.sync();
    assert.ok(created.created > 0, "the real sync still does the work");
  });

  test("linkRecords and unlinkRecord: a contact person moved to another Chargebee customer by hand", async () => {
    const person = h.po.store.all("ContactPersons")[3]!;
    await assert.rejects(
      linkRecords(h.db.knex, { flow: "F1", powerofficeId: String(person.Id), chargebeeId: "cb-cust-000010" }),
      (error: unknown) => error instanceof SyncCommandError && error.code === "CONFLICT",
    );
    await assert.rejects(
      linkRecords(h.db.knex, { flow: "F0" as never, powerofficeId: "1", chargebeeId: "x" }),
      (error: unknown) => error instanceof SyncCommandError && error.code === "BAD_USER_INPUT",
    );
    await assert.rejects(
      linkRecords(h.db.knex, { flow: "F1", powerofficeId: "999", chargebeeId: "x" }),
      (error: unknown) => error instanceof SyncCommandError && error.code === "NOT_FOUND",
    );

    const unlinked = await unlinkRecord(h.db.knex, { system: "poweroffice", entity: "ContactPerson", sourceId: String(person.Id), flow: "F1" });
    assert.equal(unlinked.unlinked, 2);
    const unlinkedStates = await h.db.knex("unified_records").whereIn("id", unlinked.unifiedIds).pluck("sync_state");
    assert.deepEqual(unlinkedStates, ["unlinked"], "the unified customer no longer stands for linked records");
    await assert.rejects(
      unlinkRecord(h.db.knex, { system: "poweroffice", entity: "ContactPerson", sourceId: String(person.Id), flow: "F1" }),
      (error: unknown) => error instanceof SyncCommandError && error.code === "NOT_FOUND",
    );

    const linked = await linkRecords(h.db.knex, { flow: "F1", powerofficeId: String(person.Id), chargebeeId: "cb-cust-000010", requestedBy: "test" });
    assert.equal(linked.chargebeeId, "cb-cust-000010");
    await h.sync();
    // A new link: per field, the newer source change wins; afterwards both sides hold the same values.
    const customer = h.cb.store.raw("customer", "cb-cust-000010")!;
    const now = h.po.store.get("ContactPersons", Number(person.Id))!;
    assert.deepEqual([customer.first_name, customer.last_name, customer.email], [now.FirstName, now.LastName, now.EmailAddress]);
    const link = await h.db.knex("links").where({ flow: "F1", system: "chargebee", source_id: "cb-cust-000010" }).first();
    assert.deepEqual([link.status, link.agreed.email], ["active", now.EmailAddress]);
    h.resetStats();
    await h.sync();
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 });
  });

  test("resolveConflict: choosing the losing side's value writes it on the next sync", async () => {
    const person = h.po.store.all("ContactPersons")[5]!;
    const customerId = `po-contactperson-${String(person.Id)}`;
    h.cb.store.edit("customer", customerId, { first_name: "FraChargebee" });
    h.po.store.raw.clock.advancePast((Date.now() + 7_200_000) * 1000);
    h.po.store.edit("ContactPersons", Number(person.Id), { FirstName: "FraPowerOffice" });
    await h.sync();
    const conflict = await h.db.knex("conflicts").where({ status: "open", field: "firstName" }).orderBy("id", "desc").first();
    assert.equal(conflict.winner, "poweroffice");
    const resolved = await resolveConflict(h.db.knex, { conflictId: conflict.id, winner: "chargebee", resolvedBy: "analyst" });
    assert.equal(resolved.status, "resolved");
    await assert.rejects(
      resolveConflict(h.db.knex, { conflictId: conflict.id, winner: "chargebee", resolvedBy: "analyst" }),
      (error: unknown) => error instanceof SyncCommandError && error.code === "CONFLICT",
    );
    await h.sync();
    assert.equal(h.po.store.get("ContactPersons", Number(person.Id))?.FirstName, "FraChargebee");
    assert.equal(h.cb.store.raw("customer", customerId)?.first_name, "FraChargebee");
    h.resetStats();
    await h.sync();
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 });
  });

  test("retryQuarantined: a released record is tried again without a change", async () => {
    const id = String(h.po.store.special.invalidEmailCustomer);
    const before = await h.db.knex("quarantine").where({ flow: "F3", source_id: id }).first();
    assert.equal(before.status, "open");
    await h.sync();
    assert.equal(
      (await h.db.knex("quarantine").where({ id: before.id }).first()).attempts,
      before.attempts,
      "an unchanged record is not retried by itself",
    );
    await retryQuarantined(h.db.knex, { id: before.id });
    assert.equal((await h.db.knex("quarantine").where({ id: before.id }).first()).status, "released");
    const counts = await h.sync();
    assert.equal(counts.quarantined, 1, "still invalid, so quarantined again");
    const after = await h.db.knex("quarantine").where({ id: before.id }).first();
    assert.deepEqual([after.status, after.attempts], ["open", before.attempts + 1]);
  });

  test("an invoice created before a crash is found through the outbox, never created twice", async () => {
    const product = h.po.store.all("Products")[0]!;
    const order = h.po.store.create("SalesOrders", {
      CustomerId: h.po.store.special.companyWithOrders,
      CurrencyCode: "NOK",
      SalesOrderLines: [{ ProductId: product.Id, Quantity: 3 }],
    });
    const reference = chargebeeOrderId(String(order.Id));
    // The invoice is written, then every attempt to create its order fails: the run ends without recording it.
    h.cb.faults.inject({ kind: "server_error", pathIncludes: "/orders", method: "POST", count: 50 });
    await h.sync();
    h.cb.faults.clear();
    assert.equal(h.cb.store.dump("invoice").filter((invoice) => invoice.po_number === reference).length, 1);
    assert.equal(h.cb.store.raw("order", reference), undefined);
    const pending = await h.db.knex("outbox").where({ lookup_key: reference, status: "pending" }).first();
    assert.ok(pending, "the intent is still pending");

    await h.sync();
    assert.equal(h.cb.store.dump("invoice").filter((invoice) => invoice.po_number === reference).length, 1, "no second invoice");
    assert.ok(h.cb.store.raw("order", reference), "the order exists for the invoice found by its reference");
    assert.equal((await h.db.knex("outbox").where({ id: pending.id }).first()).status, "done");
  });

  test("the actionable list names quarantined and unmatched records with what to do", async () => {
    const all = await listActionable(h.db.knex);
    const quarantined = all.find((row) => row.kind === "quarantined" && row.flow === "F3");
    assert.match(quarantined!.reason, /invalid email address/);
    const unmatched = await listActionable(h.db.knex, { kind: "unmatched", flows: ["F6"] });
    assert.ok(unmatched.length > 0);
    assert.ok(unmatched.every((row) => row.flow === "F6" && /create one with that name in Chargebee, or link it by hand/.test(row.reason)));
    const counts = await countActionable(h.db.knex);
    assert.equal(counts.find((row) => row.kind === "unmatched" && row.flow === "F6")?.count, unmatched.length);
  });
});
