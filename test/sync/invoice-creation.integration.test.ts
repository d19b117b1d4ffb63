import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ADMIN_CONTEXT } from "../../src/connectors/chargebee/sandbox/store.js";
import { recordIntent } from "../../src/sync/tables/outbox.js";
import { startSyncHarness, type SyncHarness } from "./harness.js";

/**
 * F12 end to end on both sandboxes: an invoice Chargebee raised itself (a renewal, a one-off charge) for a linked
 * customer becomes exactly one PowerOffice sales order with its lines; the invoices F8 made never come back; the
 * order F12 made is never sent back to Chargebee by F8. The tests run in order on one harness.
 */
describe("Chargebee's own invoices reach PowerOffice as sales orders (F12)", () => {
  let h: SyncHarness;
  /** A linked Chargebee customer, its PowerOffice customer, and two linked items' NOK prices (taxed, untaxed). */
  let buyer: { chargebeeId: string; powerofficeId: number };
  let taxed: { priceId: string; productId: number };
  let untaxed: { priceId: string; productId: number };

  const salesOrdersFor = (invoiceId: string) => h.po.store.all("SalesOrders").filter((row) => row.ExternalImportReference === invoiceId);
  const invoiceCount = () => h.cb.store.dump("invoice").length;
  const raiseInvoice = (customerId: string, itemPrices: Array<Record<string, unknown>>, charges: Array<Record<string, unknown>> = []) =>
    String(
      h.cb.store.createInvoiceForCharges({ customer_id: customerId, currency_code: "NOK", auto_collection: "off" }, ADMIN_CONTEXT, {
        itemPrices,
        charges,
      }).id,
    );

  /** A linked item's NOK charge price, with or without a tax profile (F8 made the taxed ones for its orders). */
  async function linkedPrice(withTax: boolean): Promise<{ priceId: string; productId: number }> {
    const prices = h.cb.store
      .dump("item_price")
      .filter((price) => price.currency_code === "NOK" && price.item_type === "charge" && price.status === "active");
    for (const price of prices) {
      const hasTax = Boolean((price.tax_detail as { tax_profile_id?: string } | undefined)?.tax_profile_id);
      if (hasTax !== withTax) continue;
      const link = await h.db
        .knex("links as lc")
        .join("links as lp", function () {
          this.on("lp.unified_id", "lc.unified_id").andOnVal("lp.system", "poweroffice").andOnVal("lp.entity", "Product");
        })
        .where({ "lc.system": "chargebee", "lc.entity": "item", "lc.source_id": String(price.item_id) })
        .first("lp.source_id");
      if (link) return { priceId: String(price.id), productId: Number(link.source_id) };
    }
    throw new Error(`no linked item has a NOK charge price ${withTax ? "with" : "without"} a tax profile`);
  }

  before(async () => {
    h = await startSyncHarness();
    await h.sync();
    const link = await h.db
      .knex("links as lc")
      .join("links as lp", function () {
        this.on("lp.unified_id", "lc.unified_id").andOnVal("lp.system", "poweroffice").andOnVal("lp.entity", "Customer");
      })
      .where({ "lc.system": "chargebee", "lc.entity": "customer", "lc.flow": "F4" })
      .whereNot("lc.status", "deleted")
      .orderBy("lc.source_id")
      .first("lc.source_id as chargebee_id", "lp.source_id as poweroffice_id");
    buyer = { chargebeeId: String(link.chargebee_id), powerofficeId: Number(link.poweroffice_id) };
    taxed = await linkedPrice(true);
    untaxed = await linkedPrice(false);
  });
  after(async () => h?.close());

  test("a first sync carries the invoices Chargebee raised itself; the invoices F8 made never come back", async () => {
    const invoices = h.cb.store.dump("invoice");
    const ours = invoices.filter((invoice) => String(invoice.po_number ?? "").startsWith("po-so-"));
    const theirs = invoices.filter((invoice) => !String(invoice.po_number ?? "").startsWith("po-so-"));
    assert.ok(ours.length > 0 && theirs.length > 0, "F8 made invoices, and the demo has invoices of Chargebee's own");
    const made = () => h.po.store.all("SalesOrders").filter((row) => row.IsCreatedByCurrentIntegration === true);
    assert.deepEqual(
      made()
        .map((row) => row.ExternalImportReference)
        .sort(),
      theirs.map((invoice) => String(invoice.id)).sort(),
    );
    // The next sync reads F8's invoices (made after this run planned F12) and leaves them alone.
    await h.sync();
    assert.equal(made().length, theirs.length);
    const states = await h.db
      .knex("sync_record_state")
      .where({ flow: "F12" })
      .whereIn(
        "source_id",
        ours.map((invoice) => String(invoice.id)),
      );
    assert.equal(states.length, ours.length);
    assert.ok(states.every((state) => state.status === "done" && /made by this sync for a PowerOffice sales order/.test(state.reason)));
  });

  test("an invoice Chargebee raised becomes one Draft sales order with its lines, customer, products, prices in kroner and VAT", async () => {
    const invoiceId = raiseInvoice(buyer.chargebeeId, [
      { item_price_id: taxed.priceId, quantity: 3, unit_price: 19_950 },
      { item_price_id: untaxed.priceId, quantity: 1, unit_price: 50_000, description: "Oppsett" },
    ]);
    const before = invoiceCount();
    const counts = await h.sync();
    assert.equal(counts.errors, 0);
    const [order] = salesOrdersFor(invoiceId);
    assert.ok(order, "a sales order carries the invoice id as its ExternalImportReference");
    assert.equal(salesOrdersFor(invoiceId).length, 1);
    assert.deepEqual(
      [order.CustomerId, order.CurrencyCode, order.SalesOrderStatus, order.IsCreatedByCurrentIntegration],
      [buyer.powerofficeId, "NOK", "Draft", true],
    );
    const complete = await h.poweroffice.getSalesOrderComplete(String(order.Id));
    const lines = (complete.SalesOrderLines ?? []).map((line) => [line.ProductId, line.Quantity, line.ProductUnitPrice, line.VatRate]);
    assert.deepEqual(lines, [
      [taxed.productId, 3, 199.5, 0.25],
      [untaxed.productId, 1, 500, 0],
    ]);
    assert.equal(complete.NetAmount, 1098.5);
    // Linked under F12 as one unified order, named by its sales order number and the invoice.
    const links = await h.db
      .knex("links")
      .where({ flow: "F12" })
      .whereIn("source_id", [invoiceId, String(order.Id)]);
    assert.deepEqual(links.map((link) => `${link.system}:${link.entity}`).sort(), ["chargebee:invoice", "poweroffice:SalesOrder"]);
    const unified = await h.db.knex("unified_records").where({ id: links[0].unified_id }).first();
    assert.deepEqual([unified.kind, unified.name], ["order", `${String(order.SalesOrderNo)} (invoice ${invoiceId})`]);
    assert.equal(invoiceCount(), before, "F8 sent nothing back to Chargebee");
  });

  test("a second sync writes nothing: the new sales order is not sent back to Chargebee as an invoice", async () => {
    h.resetStats();
    await h.sync();
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 });
    const third = await h.sync();
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 });
    assert.equal(third.seen, 0);
  });

  test("an invoice for a customer not linked yet waits (no state, no quarantine) and is carried once the customer is", async () => {
    h.cb.store.createCustomer({ id: "cb-renewal-later", first_name: "Tora", last_name: "Bakke" }, ADMIN_CONTEXT);
    const invoiceId = raiseInvoice("cb-renewal-later", [{ item_price_id: untaxed.priceId, quantity: 2 }]);
    const first = await h.sync();
    assert.ok(first.waiting >= 1, "the invoice waits for its customer (F10 quarantined the customer: no email)");
    assert.deepEqual(salesOrdersFor(invoiceId), []);
    assert.equal(await h.db.knex("quarantine").where({ flow: "F12", source_id: invoiceId }).first(), undefined);
    assert.equal(await h.db.knex("sync_record_state").where({ flow: "F12", source_id: invoiceId }).first(), undefined);

    h.cb.store.edit("customer", "cb-renewal-later", { email: "tora.bakke@demo.no" });
    await h.sync({ mode: "full" });
    const [order] = salesOrdersFor(invoiceId);
    assert.ok(order, "carried once F10 made the customer");
    const poCustomer = h.po.store.all("Customers").find((row) => row.ExternalImportReference === "cb-renewal-later");
    assert.equal(order.CustomerId, poCustomer?.Id);
  });

  test("an ad-hoc charge with no item is quarantined with what to do; the invoices beside it go on", async () => {
    const adhoc = raiseInvoice(buyer.chargebeeId, [], [{ amount: 12_500, description: "Kursavgift" }]);
    const fine = raiseInvoice(buyer.chargebeeId, [{ item_price_id: untaxed.priceId, quantity: 1 }]);
    await h.sync();
    const entry = await h.db.knex("quarantine").where({ flow: "F12", source_id: adhoc, status: "open" }).first();
    assert.match(entry.reason, /is an ad-hoc charge \("Kursavgift"\) with no item, and every PowerOffice sales order line needs a product/);
    assert.deepEqual(salesOrdersFor(adhoc), []);
    assert.equal(salesOrdersFor(fine).length, 1);
  });

  test("a voided invoice is not carried", async () => {
    const invoiceId = raiseInvoice(buyer.chargebeeId, [{ item_price_id: untaxed.priceId, quantity: 1 }]);
    h.cb.store.edit("invoice", invoiceId, { status: "voided" });
    await h.sync();
    assert.deepEqual(salesOrdersFor(invoiceId), []);
    const state = await h.db.knex("sync_record_state").where({ flow: "F12", source_id: invoiceId }).first();
    assert.match(state.reason, /voided in Chargebee/);
  });

  test("a crash between the PowerOffice create and the commit leaves exactly one sales order, and F8 sends none back", async () => {
    const invoiceId = raiseInvoice(buyer.chargebeeId, [{ item_price_id: untaxed.priceId, quantity: 4 }]);
    // What a worker killed after its call leaves: the intent pending, the order made in PowerOffice, no link.
    await recordIntent(h.db.knex, {
      system: "poweroffice",
      entity: "SalesOrder",
      operation: "create",
      flow: "F12",
      lookupKey: invoiceId,
      payload: { chargebeeEntity: "invoice", chargebeeId: invoiceId },
    });
    await h.poweroffice.create("SalesOrders", {
      CustomerId: buyer.powerofficeId,
      CurrencyCode: "NOK",
      ExternalImportReference: invoiceId,
      SalesOrderLines: [{ LineType: "Normal", ProductId: untaxed.productId, Quantity: 4, ProductUnitPrice: 500, UseStandardSalesAccount: false }],
    });
    const before = invoiceCount();
    await h.sync();
    assert.equal(salesOrdersFor(invoiceId).length, 1, "found again by ExternalImportReference, not created twice");
    assert.equal(invoiceCount(), before, "the order F12 made is not sent to Chargebee by F8");
    assert.deepEqual(
      (await h.db.knex("links").where({ system: "chargebee", entity: "invoice", source_id: invoiceId })).map((link) => link.flow),
      ["F12"],
    );
    assert.deepEqual(await h.db.knex("outbox").where({ system: "poweroffice", status: "pending" }), []);
    h.resetStats();
    await h.sync();
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 });
  });
});
