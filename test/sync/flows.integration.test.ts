import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { lineMoney } from "../../src/sync/flows/money.js";
import { chargebeeOrderId } from "../../src/sync/flows/f8-sales-orders.js";
import { startSyncHarness, type SyncHarness } from "./harness.js";

/**
 * Every flow end to end against both sandboxes (demo data, rate limits off). The tests run in order on one
 * harness: each builds on the state the one before left, as successive syncs of a real installation do.
 */
describe("sync flows end to end", () => {
  let h: SyncHarness;
  const cbRecord = (resource: "customer" | "item" | "item_price" | "order" | "invoice", id: string) =>
    h.cb.store.raw(resource, id) as Record<string, unknown> | undefined;
  const link = (flow: string, system: string, sourceId: string) =>
    h.db.knex("links").where({ flow, system, source_id: sourceId }).whereNot("status", "deleted").first();
  const linkedChargebeeId = async (flow: string, powerofficeId: string): Promise<string | undefined> => {
    const po = await link(flow, "poweroffice", powerofficeId);
    if (!po) return undefined;
    const cb = await h.db.knex("links").where({ flow, system: "chargebee", unified_id: po.unified_id }).whereNot("status", "deleted").first();
    return cb?.source_id;
  };

  before(async () => {
    h = await startSyncHarness();
  });
  after(async () => h?.close());

  test("a first sync creates Chargebee records with the mapped fields, and quarantines bad records", async () => {
    const counts = await h.sync();
    assert.ok(counts.created > 30, `created ${counts.created}`);
    assert.equal(counts.quarantined, 2);

    const person = h.po.store
      .all("ContactPersons")
      .find((row) => row.Id !== h.po.store.special.sharedPerson.contactPersonId && row.Id !== h.po.store.special.invalidEmailContactPerson.id)!;
    const customer = cbRecord("customer", `po-contactperson-${String(person.Id)}`)!;
    assert.ok(customer, "the contact person has a Chargebee customer with our deterministic id");
    assert.deepEqual([customer.email, customer.first_name, customer.last_name], [person.EmailAddress, person.FirstName, person.LastName]);

    const employee = h.po.store.all("Employees").find((row) => row.Id !== h.po.store.special.sharedPerson.employeeId)!;
    assert.equal(cbRecord("customer", `po-employee-${String(employee.Id)}`)?.last_name, employee.LastName);

    const product = h.po.store.all("Products")[0]!;
    const item = cbRecord("item", `po-product-${String(product.Id)}`)!;
    assert.equal(item.name, product.Name);

    const reasons = (await h.db.knex("quarantine").where({ status: "open" }).orderBy("flow").pluck("reason")) as string[];
    assert.equal(reasons.length, 2);
    assert.match(reasons[0]!, /invalid email address "ola\.feilmann@@tromso-turbuss\.no"/);
    assert.match(reasons[1]!, /invalid email address "per\.hansen\(at\)epost\.no"/);
  });

  test("a sync right after a sync makes no writes at all", async () => {
    h.resetStats();
    const counts = await h.sync();
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 });
    // The PowerOffice customers F10 made from Chargebee's in the first sync are new to F5 (business entities by
    // name): it decides each once, and writes nothing. The invoices F8 made are new to F12, which leaves them alone.
    const madeByF10 = h.po.store.all("Customers").filter((row) => String(row.ExternalImportReference ?? "").startsWith("cb-")).length;
    const madeByF8 = h.cb.store.dump("invoice").filter((row) => String(row.po_number ?? "").startsWith("po-so-")).length;
    assert.ok(madeByF10 > 0 && madeByF8 > 0);
    assert.deepEqual([counts.created, counts.updated, counts.unchanged, counts.seen], [0, 0, madeByF8, madeByF10 + madeByF8]);
    assert.deepEqual(await h.sync(), { ...counts, seen: 0, unchanged: 0, apiCalls: counts.apiCalls });
  });

  test("one person in three roles with one email (any case) is one Chargebee customer", async () => {
    const shared = h.po.store.special.sharedPerson;
    const ids = [
      await linkedChargebeeId("F1", String(shared.contactPersonId)),
      await linkedChargebeeId("F2", String(shared.employeeId)),
      await linkedChargebeeId("F3", String(shared.personCustomerId)),
    ];
    assert.ok(ids[0]);
    assert.deepEqual(new Set(ids).size, 1, `all three roles link to one customer: ${ids.join(", ")}`);
    const sameEmail = h.cb.store.dump("customer").filter((row) => String(row.email).toLowerCase() === shared.email && !row.deleted);
    assert.equal(sameEmail.length, 1, "no duplicate customer was created for the shared email");
    const unified = await h.db
      .knex("links")
      .where({ system: "poweroffice" })
      .whereIn(
        ["flow", "source_id"],
        [
          ["F1", String(shared.contactPersonId)],
          ["F2", String(shared.employeeId)],
          ["F3", String(shared.personCustomerId)],
        ],
      )
      .distinct("unified_id");
    assert.equal(unified.length, 1, "the three roles are one unified customer");
  });

  test("F4: a company is created only when a sales order refers to it", async () => {
    const special = h.po.store.special;
    assert.ok(await linkedChargebeeId("F4", String(special.companyWithOrders)), "the company with an order is linked");
    assert.equal(await linkedChargebeeId("F4", String(special.companyWithoutOrders)), undefined);
    assert.equal(cbRecord("customer", `po-customer-${special.companyWithoutOrders}`), undefined);

    const product = h.po.store.all("Products")[1]!;
    h.po.store.create("SalesOrders", {
      CustomerId: special.companyWithoutOrders,
      CurrencyCode: "NOK",
      SalesOrderLines: [{ ProductId: product.Id, Quantity: 2, Description: "Bussleie" }],
    });
    await h.sync();
    const customer = cbRecord("customer", `po-customer-${special.companyWithoutOrders}`);
    assert.ok(customer, "the company reached Chargebee with its first order");
    const company = h.po.store.get("Customers", special.companyWithoutOrders)!;
    assert.equal(customer.company, company.Name);
  });

  test("orders carry their lines with unit prices, amounts and taxes in øre", async () => {
    const order = h.po.store.get("SalesOrders", h.po.store.special.salesOrderId)!;
    const orderId = chargebeeOrderId(String(order.Id));
    const cbOrder = cbRecord("order", orderId)!;
    assert.ok(cbOrder, `order ${orderId} exists`);
    const customerId = await linkedChargebeeId("F4", String(order.CustomerId));
    assert.equal(cbOrder.customer_id, customerId);
    const invoice = cbRecord("invoice", String(cbOrder.invoice_id))!;
    const poLines = (order.SalesOrderLines as Array<Record<string, unknown>>).filter(
      (line) => line.ProductId !== null && line.ProductId !== undefined,
    );
    const invoiceLines = invoice.line_items as Array<Record<string, unknown>>;
    assert.equal(invoiceLines.length, poLines.length);
    const rates = new Set<number>();
    for (const [index, line] of poLines.entries()) {
      const expected = lineMoney({
        productUnitPrice: Number(line.ProductUnitPrice),
        quantity: Number(line.Quantity),
        allowancePercent: line.Allowance as number | null,
        vatRate: line.VatRate as number,
        currencyCode: String(order.CurrencyCode ?? "NOK"),
      });
      rates.add(expected.taxRate);
      const actual = invoiceLines[index]!;
      assert.equal(actual.quantity, expected.quantity);
      assert.equal(actual.amount, expected.amount, `line ${index + 1} amount in øre`);
      assert.equal(actual.tax_amount, expected.taxAmount, `line ${index + 1} tax in øre`);
      assert.ok(Number.isInteger(actual.amount) && Number.isInteger(actual.tax_amount));
      // The line points at the item's price with the VAT rate's tax profile (made when the order needed it).
      const price = cbRecord("item_price", String(actual.entity_id))!;
      assert.equal(price.item_id, `po-product-${String(line.ProductId)}`);
      assert.equal(
        (price.tax_detail as { tax_profile_id?: string } | undefined)?.tax_profile_id,
        expected.taxRate > 0 ? `vat-${expected.taxRate * 100}` : undefined,
      );
    }
    assert.ok(rates.size >= 3, "the special order has lines at 25 %, 15 % and 0 %");
    const agreed = (await link("F8", "poweroffice", String(order.Id)))!.agreed as { lines: Array<{ taxAmount: number }>; taxAmount: number };
    assert.equal(
      agreed.taxAmount,
      agreed.lines.reduce((sum, line) => sum + line.taxAmount, 0),
    );
  });

  test("a unified order is named by its sales order number and its invoice's", async () => {
    const orders = (await h.db
      .knex("unified_records as u")
      .join("links as p", function joinSource() {
        this.on("p.unified_id", "u.id").andOnVal("p.flow", "F8").andOnVal("p.system", "poweroffice");
      })
      .join("links as c", function joinTarget() {
        this.on("c.unified_id", "u.id").andOnVal("c.flow", "F8").andOnVal("c.system", "chargebee");
      })
      .where("u.kind", "order")
      .select("u.name", "p.source_id as order_id", "c.source_id as chargebee_order")) as Array<{
      name: string;
      order_id: string;
      chargebee_order: string;
    }>;
    assert.ok(orders.length > 0);
    for (const order of orders) {
      const number = h.po.store.get("SalesOrders", order.order_id)!.SalesOrderNo;
      const invoice = h.cb.store.raw("order", order.chargebee_order)!.invoice_id;
      assert.equal(order.name, `${number} (invoice ${invoice})`);
    }
  });

  test("business entities are linked by exact name, and the unmatched are reported", async () => {
    const departments = h.po.store.all("Departments");
    const sales = departments.find((row) => row.Name === "Salg")!;
    const entityId = await linkedChargebeeId("F6", String(sales.Id));
    const entity = h.cb.store.dump("business_entity").find((row) => row.id === entityId);
    assert.equal(entity?.name, "Salg");
    const unmatched = departments.find((row) => row.Name === "Administrasjon");
    if (unmatched) {
      const state = await h.db
        .knex("sync_record_state")
        .where({ flow: "F6", system: "poweroffice", source_id: String(unmatched.Id) })
        .first();
      assert.equal(state.status, "unmatched");
      assert.match(state.reason, /No Chargebee business entity is named "Administrasjon"/);
    }
    const company = h.po.store.special.companyWithOrders;
    assert.ok(await linkedChargebeeId("F5", String(company)), "Fjordlys Regnskap AS is linked to the business entity of that name");

    // Writes are scoped to the linked business entity: a new employee of the sales department is created there.
    const employee = h.po.store.create("Employees", {
      FirstName: "Sigrun",
      LastName: "Salgsvik",
      EmailAddress: "sigrun.salgsvik@example.no",
      DepartmentId: sales.Id,
    });
    await h.sync();
    assert.equal(cbRecord("customer", `po-employee-${String(employee.Id)}`)?.business_entity_id, entityId);
    // An order's invoice belongs to its customer's business entity, as Chargebee scopes invoices by customer.
    const order = h.po.store.get("SalesOrders", h.po.store.special.salesOrderId)!;
    const invoice = cbRecord("invoice", String(cbRecord("order", chargebeeOrderId(String(order.Id)))!.invoice_id))!;
    assert.equal(invoice.business_entity_id, cbRecord("customer", String(invoice.customer_id))?.business_entity_id);
  });

  test("an edit in PowerOffice reaches Chargebee with one write", async () => {
    const person = h.po.store
      .all("ContactPersons")
      .find((row) => row.Id !== h.po.store.special.sharedPerson.contactPersonId && row.Id !== h.po.store.special.invalidEmailContactPerson.id)!;
    h.po.store.edit("ContactPersons", Number(person.Id), { FirstName: "Ingeborg" });
    h.resetStats();
    await h.sync();
    assert.equal(cbRecord("customer", `po-contactperson-${String(person.Id)}`)?.first_name, "Ingeborg");
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 1 });
    h.resetStats();
    await h.sync();
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 }, "the echo of our write costs nothing");
  });

  test("an edit in Chargebee reaches PowerOffice", async () => {
    const employee = h.po.store.all("Employees").find((row) => row.Id !== h.po.store.special.sharedPerson.employeeId)!;
    h.cb.store.edit("customer", `po-employee-${String(employee.Id)}`, { last_name: "Fjellheim" });
    h.resetStats();
    await h.sync();
    assert.equal(h.po.store.get("Employees", Number(employee.Id))?.LastName, "Fjellheim");
    assert.deepEqual(h.writes(), { poweroffice: 1, chargebee: 0 });
    h.resetStats();
    await h.sync();
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 });
  });

  test("an edit of the merged person in Chargebee reaches all three PowerOffice roles in one sync", async () => {
    const shared = h.po.store.special.sharedPerson;
    const customerId = (await linkedChargebeeId("F1", String(shared.contactPersonId)))!;
    h.cb.store.edit("customer", customerId, { first_name: "Karianne" });
    await h.sync();
    assert.equal(h.po.store.get("ContactPersons", shared.contactPersonId)?.FirstName, "Karianne");
    assert.equal(h.po.store.get("Employees", shared.employeeId)?.FirstName, "Karianne");
    assert.equal(h.po.store.get("Customers", shared.personCustomerId)?.FirstName, "Karianne");
    h.resetStats();
    await h.sync();
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 });
  });

  test("both sides changed one field: the newer change wins and the conflict is recorded", async () => {
    const person = h.po.store.all("ContactPersons").filter((row) => row.EmailAddress && !String(row.EmailAddress).includes("@@"))[3]!;
    const customerId = `po-contactperson-${String(person.Id)}`;
    h.cb.store.edit("customer", customerId, { last_name: "Chargebee-Side" });
    // PowerOffice's change is an hour newer (its clock moves forward, as a later edit would).
    h.po.store.raw.clock.advancePast((Date.now() + 3_600_000) * 1000);
    h.po.store.edit("ContactPersons", Number(person.Id), { LastName: "PowerOffice-Side" });
    const counts = await h.sync();
    assert.equal(counts.conflicts, 1);
    assert.equal(cbRecord("customer", customerId)?.last_name, "PowerOffice-Side");
    assert.equal(h.po.store.get("ContactPersons", Number(person.Id))?.LastName, "PowerOffice-Side");
    const conflict = await h.db.knex("conflicts").orderBy("id", "desc").first();
    assert.deepEqual(
      [conflict.field, conflict.winner, conflict.reason, conflict.chargebee_value],
      ["lastName", "poweroffice", "the newer change wins", "Chargebee-Side"],
    );
  });

  test("a quarantined record is tried again when its source changes", async () => {
    const bad = h.po.store.special.invalidEmailContactPerson;
    h.po.store.edit("ContactPersons", bad.id, { EmailAddress: "ola.feilmann@tromso-turbuss.no" });
    await h.sync();
    assert.equal(cbRecord("customer", `po-contactperson-${bad.id}`)?.email, "ola.feilmann@tromso-turbuss.no");
    const entry = await h.db
      .knex("quarantine")
      .where({ flow: "F1", source_id: String(bad.id) })
      .first();
    assert.equal(entry.status, "resolved");
  });

  test("a line whose product is missing quarantines its order and nothing else", async () => {
    const product = h.po.store.create("Products", { Name: "Midlertidig vare", UnitPrice: 10 });
    const customer = h.po.store.special.companyWithOrders;
    const order = h.po.store.create("SalesOrders", {
      CustomerId: customer,
      CurrencyCode: "NOK",
      SalesOrderLines: [{ ProductId: product.Id, Quantity: 1 }],
    });
    h.po.store.delete("Products", Number(product.Id), { force: true });
    const counts = await h.sync();
    assert.equal(counts.quarantined, 1);
    const entry = await h.db
      .knex("quarantine")
      .where({ flow: "F8", source_id: String(order.Id) })
      .first();
    assert.match(entry.reason, /refers to Product \d+, which PowerOffice does not have/);
  });

  test("deletes follow the policy: a product's item is archived, a person is only unlinked", async () => {
    // A product born in PowerOffice (F11 made others from Chargebee items).
    const product = h.po.store
      .all("Products")
      .filter((row) => cbRecord("item", `po-product-${String(row.Id)}`))
      .at(-1)!;
    const person = h.po.store.all("ContactPersons").filter((row) => row.EmailAddress && !String(row.EmailAddress).includes("@@"))[5]!;
    h.po.store.delete("Products", Number(product.Id), { force: true });
    h.po.store.delete("ContactPersons", Number(person.Id), { force: true });
    await h.sync(); // incremental reads cannot see a delete in PowerOffice (no delete feed)
    assert.notEqual(cbRecord("item", `po-product-${String(product.Id)}`)?.status, "archived");
    const personLink = await link("F1", "poweroffice", String(person.Id));
    const counts = await h.sync({ mode: "reconcile" });
    assert.equal(counts.deleted, 2);
    assert.equal(cbRecord("item", `po-product-${String(product.Id)}`)?.status, "archived");
    assert.ok(cbRecord("customer", `po-contactperson-${String(person.Id)}`), "the Chargebee customer stays");
    assert.equal(await link("F1", "poweroffice", String(person.Id)), undefined, "the person's link is closed");
    const unified = await h.db.knex("unified_records").where({ id: personLink.unified_id }).first();
    assert.equal(unified.sync_state, "unlinked", "a unified customer with no side left says so");
  });
});
