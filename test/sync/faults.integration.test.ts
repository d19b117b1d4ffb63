import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { chargebeeOrderId } from "../../src/sync/flows/f8-sales-orders.js";
import { startSyncHarness, type SyncHarness } from "./harness.js";

let h: SyncHarness;
before(async () => {
  h = await startSyncHarness();
});
after(async () => h?.close());

test("with 10% of requests failing on both APIs, repeated syncs converge to the fault-free result without duplicates", async () => {
  h.po.faults.inject({ kind: "status", status: 503, rate: 0.05 });
  h.po.faults.inject({ kind: "drop", rate: 0.05 });
  h.cb.faults.setRates({ serverErrorRate: 0.05, dropRate: 0.05 });
  // Edits on both sides while faults are on.
  const person = h.po.store.all("ContactPersons")[2]!;
  let runs = 0;
  for (; runs < 6; runs += 1) {
    const counts = await h.sync();
    if (runs === 1) {
      h.po.store.edit("ContactPersons", Number(person.Id), { FirstName: "Feilfri" });
      h.cb.store.edit("customer", `po-employee-${String(h.po.store.all("Employees")[1]!.Id)}`, { last_name: "Stormfast" });
    }
    const pending = await h.db.knex("outbox").where({ status: "pending" }).count<{ n: number }[]>({ n: "*" });
    if (runs > 1 && counts.created + counts.updated === 0 && Number(pending[0]!.n) === 0) break;
  }
  assert.ok(runs < 6, "the syncs settled");
  const poFaults = h.po.faults.list().reduce((sum, fault) => sum + fault.hits, 0);
  const cbFaults = Object.values(h.cb.faults.served()).reduce((sum, count) => sum + count, 0);
  assert.ok(poFaults > 0 && cbFaults > 0, `faults were served (PowerOffice ${poFaults}, Chargebee ${cbFaults})`);
  h.po.faults.clear();
  h.cb.faults.clear();
  h.resetStats();
  await h.sync();
  assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 }, "nothing was left to write");

  assert.equal(h.cb.store.raw("customer", `po-contactperson-${String(person.Id)}`)?.first_name, "Feilfri");
  assert.equal(h.po.store.get("Employees", Number(h.po.store.all("Employees")[1]!.Id))?.LastName, "Stormfast");
  // Every valid contact person and product reached Chargebee, each exactly once (deterministic ids).
  for (const row of h.po.store.all("ContactPersons")) {
    if (String(row.EmailAddress).includes("@@")) continue;
    const link = await h.db
      .knex("links")
      .where({ flow: "F1", system: "poweroffice", source_id: String(row.Id) })
      .first();
    assert.ok(link, `contact person ${String(row.Id)} is linked`);
  }
  // Every order has exactly one invoice (the one write without an id of ours goes through the outbox).
  const invoices = h.cb.store.dump("invoice");
  for (const order of h.po.store.all("SalesOrders")) {
    const reference = chargebeeOrderId(String(order.Id));
    const copies = invoices.filter((invoice) => invoice.po_number === reference);
    assert.ok(copies.length <= 1, `order ${reference} has ${copies.length} invoices`);
    if (copies.length === 1) assert.ok(h.cb.store.raw("order", reference), `the invoice of ${reference} has its order`);
  }
  const orderLinks = await h.db.knex("links").where({ flow: "F8", system: "chargebee" }).count<{ n: number }[]>({ n: "*" });
  assert.equal(Number(orderLinks[0]!.n), invoices.filter((invoice) => String(invoice.po_number ?? "").startsWith("po-so-")).length);
});
