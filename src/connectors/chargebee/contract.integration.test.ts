/**
 * Contract test: the official SDK, with its Zod validation on, round-trips every operation the connector uses against
 * the sandbox. What the vendor's own client sends, the sandbox must accept; what the sandbox returns must have the
 * shape of the SDK's typed result (every attribute the types declare as always present).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import Chargebee, { type Invoice, type Order } from "chargebee";
import { startChargebeeSandbox, type ChargebeeSandbox } from "./sandbox/index.js";
import { missingFields } from "./test-support/required-fields.js";

let sandbox: ChargebeeSandbox;
let sdk: Chargebee;

function assertShape(kind: Parameters<typeof missingFields>[0], object: unknown): void {
  assert.deepEqual(missingFields(kind, object), [], `${kind} lacks attributes its SDK type requires`);
}

before(async () => {
  sandbox = await startChargebeeSandbox({ size: "demo", seed: 7 });
  sdk = new Chargebee({
    site: sandbox.clientConfig.endpoint.host,
    hostSuffix: "",
    protocol: "http",
    port: sandbox.port,
    apiKey: sandbox.apiKey,
    sdkTelemetryEnabled: false,
    enableValidation: true,
  });
});

after(async () => {
  await sandbox.close();
});

describe("official SDK with validation against the sandbox", () => {
  test("customers: create with our id, retrieve, update, list with filters and paging, delete", async () => {
    const created = await sdk.customer.create(
      {
        id: "po-contactperson-900",
        first_name: "Ingrid",
        last_name: "Berg",
        email: "Ingrid.Berg@Example.no",
        meta_data: { po_id: 900 },
        billing_address: { line1: "Storgata 1", city: "Oslo", country: "NO" },
      },
      { "chargebee-idempotency-key": "contract-customer-1" },
    );
    assert.equal(created.customer.id, "po-contactperson-900");
    assert.deepEqual(created.customer.meta_data, { po_id: 900 });
    assert.equal(created.customer.billing_address?.city, "Oslo");
    assertShape("customer", created.customer);
    assert.equal(typeof created.customer.resource_version, "number");

    const fetched = await sdk.customer.retrieve("po-contactperson-900");
    assert.equal(fetched.customer.email, "Ingrid.Berg@Example.no");

    const updated = await sdk.customer.update(
      "po-contactperson-900",
      { last_name: "Berg-Hansen" },
      { "chargebee-idempotency-key": "contract-customer-2" },
    );
    assert.equal(updated.customer.last_name, "Berg-Hansen");
    assert.ok((updated.customer.resource_version ?? 0) > (created.customer.resource_version ?? 0));

    const byEmail = await sdk.customer.list({ email: { is: "ingrid.berg@example.no" }, limit: 10 });
    assert.deepEqual(
      byEmail.list.map((entry) => entry.customer.id),
      ["po-contactperson-900"],
    );

    const now = Math.floor(Date.now() / 1000);
    // The SDK's schema wants timestamps as 10-digit strings and between as "[t1,t2]".
    const window = await sdk.customer.list({
      limit: 100,
      include_deleted: true,
      "sort_by[asc]": "created_at",
      updated_at: { between: `[${now - 60},${now + 60}]` as unknown as [number, number] },
    });
    assert.ok(window.list.some((entry) => entry.customer.id === "po-contactperson-900"));
    for (const entry of window.list) assertShape("customer", entry.customer);

    const first = await sdk.customer.list({ limit: 10, "sort_by[asc]": "created_at" });
    assert.equal(first.list.length, 10);
    assert.ok(first.next_offset);
    const second = await sdk.customer.list({ limit: 10, "sort_by[asc]": "created_at", offset: first.next_offset });
    const firstIds = new Set(first.list.map((entry) => entry.customer.id));
    assert.ok(second.list.every((entry) => !firstIds.has(entry.customer.id)));

    const deleted = await sdk.customer.delete("po-contactperson-900", {}, { "chargebee-idempotency-key": "contract-customer-3" });
    assert.equal(deleted.customer.deleted, true);
    const hidden = await sdk.customer.list({ id: { is: "po-contactperson-900" } });
    assert.equal(hidden.list.length, 0);
    const shown = await sdk.customer.list({ id: { is: "po-contactperson-900" }, include_deleted: true });
    assert.equal(shown.list[0]?.customer.deleted, true);
  });

  test("idempotency key: a replay returns the same customer and says so", async () => {
    const input = { id: "po-employee-55", first_name: "Lars", email: "lars@example.no" };
    const first = await sdk.customer.create(input, { "chargebee-idempotency-key": "contract-replay" });
    const again = await sdk.customer.create(input, { "chargebee-idempotency-key": "contract-replay" });
    assert.equal(first.isIdempotencyReplayed, false);
    assert.equal(again.isIdempotencyReplayed, "true");
    assert.deepEqual(again.customer, first.customer);
  });

  test("catalogue: item family, charge item, item price with a tax profile; update, list, delete", async () => {
    const family = await sdk.itemFamily.create({ id: "po-products", name: "PowerOffice products" });
    assertShape("item_family", family.item_family);
    assert.equal((await sdk.itemFamily.retrieve("po-products")).item_family.name, "PowerOffice products");
    assert.equal((await sdk.itemFamily.update("po-products", { description: "From PowerOffice" })).item_family.description, "From PowerOffice");
    assert.ok((await sdk.itemFamily.list({ limit: 100 })).list.some((entry) => entry.item_family.id === "po-products"));

    const item = await sdk.item.create({ id: "po-product-7", name: "Kontorstol", type: "charge", item_family_id: "po-products" });
    assertShape("item", item.item);
    assert.equal((await sdk.item.retrieve("po-product-7")).item.type, "charge");
    assert.equal((await sdk.item.update("po-product-7", { name: "Kontorstol, sort" })).item.name, "Kontorstol, sort");
    const items = await sdk.item.list({ limit: 100, "sort_by[asc]": "id", item_family_id: { is: "po-products" } });
    assert.deepEqual(
      items.list.map((entry) => entry.item.id),
      ["po-product-7"],
    );

    const price = await sdk.itemPrice.create({
      id: "po-product-7-NOK",
      item_id: "po-product-7",
      name: "Kontorstol NOK",
      currency_code: "NOK",
      pricing_model: "per_unit",
      price: 279000,
      tax_detail: { tax_profile_id: "vat-25" },
    });
    assertShape("item_price", price.item_price);
    assert.equal(price.item_price.item_type, "charge");
    assert.equal((await sdk.itemPrice.retrieve("po-product-7-NOK")).item_price.price, 279000);
    assert.equal((await sdk.itemPrice.update("po-product-7-NOK", { price: 289000 })).item_price.price, 289000);
    const prices = await sdk.itemPrice.list({ limit: 100, item_id: { is: "po-product-7" }, "sort_by[asc]": "id" });
    assert.equal(prices.list.length, 1);

    await sdk.item.create({ id: "po-product-8", name: "Skrivebord", type: "charge", item_family_id: "po-products" });
    const removed = await sdk.item.delete("po-product-8");
    assert.equal(removed.item.deleted, true);
  });

  test("invoice for charge items carries the lines; the order's lines are derived from it", async () => {
    await sdk.customer.create({ id: "po-customer-3000002", company: "Fjordlys Regnskap AS", email: "post@fjordlys-demo.no" });
    await sdk.item.create({ id: "po-product-9", name: "Kaffe", type: "charge", item_family_id: "po-products" });
    await sdk.itemPrice.create({
      id: "po-product-9-NOK",
      item_id: "po-product-9",
      name: "Kaffe NOK",
      currency_code: "NOK",
      pricing_model: "per_unit",
      price: 18900,
      tax_detail: { tax_profile_id: "vat-15" },
    });
    // The SDK's TS types describe item_prices as an array of objects, its Zod schema as an object of arrays;
    // both encode to item_prices[unit_price][0]=…, and only the second passes validation.
    const invoice = await sdk.invoice.createForChargeItemsAndCharges(
      {
        customer_id: "po-customer-3000002",
        currency_code: "NOK",
        auto_collection: "off",
        po_number: "po-salesorder-abc",
        item_prices: { item_price_id: ["po-product-7-NOK", "po-product-9-NOK"], quantity: [2, 3], unit_price: [250000, 19900] },
      } as unknown as Invoice.CreateForChargeItemsAndChargesInputParam,
      { "chargebee-idempotency-key": "contract-invoice-1" },
    );
    assertShape("invoice", invoice.invoice);
    const lines = invoice.invoice.line_items ?? [];
    assert.deepEqual(
      lines.map((line) => [line.entity_id, line.unit_amount, line.quantity, line.amount, line.tax_amount]),
      [
        ["po-product-7-NOK", 250000, 2, 500000, 125000],
        ["po-product-9-NOK", 19900, 3, 59700, 8955],
      ],
    );
    for (const line of lines) assertShape("invoice_line_item", line);
    assert.equal(invoice.invoice.sub_total, 559700);
    assert.equal(invoice.invoice.tax, 133955);
    assert.equal(invoice.invoice.total, 693655);
    assert.equal((await sdk.invoice.retrieve(invoice.invoice.id)).invoice.po_number, "po-salesorder-abc");
    const listed = await sdk.invoice.list({ customer_id: { is: "po-customer-3000002" }, "sort_by[desc]": "date", limit: 100 });
    assert.deepEqual(
      listed.list.map((entry) => entry.invoice.id),
      [invoice.invoice.id],
    );

    const order = await sdk.order.create(
      { invoice_id: invoice.invoice.id, id: "po-salesorder-abc" },
      { "chargebee-idempotency-key": "contract-order-1" },
    );
    assertShape("order", order.order);
    const orderLines = order.order.order_line_items ?? [];
    assert.deepEqual(
      orderLines.map((line) => [line.invoice_line_item_id, line.unit_price, line.amount, line.tax_amount]),
      lines.map((line) => [line.id, line.unit_amount, line.amount, line.tax_amount]),
    );
    for (const line of orderLines) assertShape("order_line_item", line);
    assert.equal(order.order.customer_id, "po-customer-3000002");

    const updated = await sdk.order.update("po-salesorder-abc", {
      status: "processing",
      order_line_items: { id: [orderLines[0]!.id], status: ["shipped"] },
    } as unknown as Order.UpdateInputParam);
    assert.equal(updated.order.status, "processing");
    assert.equal(updated.order.order_line_items?.[0]?.status, "shipped");
    assert.equal((await sdk.order.retrieve("po-salesorder-abc")).order.id, "po-salesorder-abc");
    const orders = await sdk.order.list({ invoice_id: { is: invoice.invoice.id }, include_deleted: true, "sort_by[asc]": "created_at", limit: 100 });
    assert.deepEqual(
      orders.list.map((entry) => entry.order.id),
      ["po-salesorder-abc"],
    );
  });

  test("events: list by occurred_at and type, retrieve", async () => {
    const now = Math.floor(Date.now() / 1000);
    const events = await sdk.event.list({
      limit: 100,
      "sort_by[asc]": "occurred_at",
      occurred_at: { between: `[${now - 600},${now + 60}]` as unknown as [number, number] },
      event_type: { is: "customer_created" },
    });
    assert.ok(events.list.length >= 2);
    for (const { event } of events.list) {
      assert.equal(event.event_type, "customer_created");
      assertShape("event", event);
      assert.ok((event.content as { customer?: { id: string } }).customer?.id);
    }
    const one = await sdk.event.retrieve(events.list[0]!.event.id);
    assert.equal(one.event.id, events.list[0]!.event.id);
  });

  test("business entities: transfers create and list; entities are told by events", async () => {
    const events = await sdk.event.list({ limit: 100, event_type: { is: "business_entity_created" } });
    const entities = events.list.map(({ event }) => (event.content as { business_entity: { id: string; name: string } }).business_entity);
    for (const { event } of events.list) assertShape("business_entity", (event.content as { business_entity: unknown }).business_entity);
    const salg = entities.find((entity) => entity.name === "Salg");
    assert.ok(salg, "the demo seeds a business entity named like a PowerOffice department");

    const transfer = await sdk.businessEntity.createTransfers({
      active_resource_ids: ["po-employee-55"],
      destination_business_entity_ids: [salg.id],
      resource_types: ["customer"],
      reason_codes: ["correction"],
    });
    assertShape("business_entity_transfer", transfer.business_entity_transfer);
    assert.equal((await sdk.customer.retrieve("po-employee-55")).customer.business_entity_id, salg.id);
    const transfers = await sdk.businessEntity.getTransfers({ limit: 100, resource_type: { is: "customer" } as never });
    assert.ok(transfers.list.some((entry) => entry.business_entity_transfer.id === transfer.business_entity_transfer.id));
  });

  test("a write scoped to a business entity carries it", async () => {
    const salg = sandbox.store.dump("business_entity").find((entity) => entity.name === "Salg")!;
    const created = await sdk.customer.create(
      { id: "po-department-scoped", first_name: "Nora" },
      { "chargebee-business-entity-id": String(salg.id) },
    );
    assert.equal(created.customer.business_entity_id, salg.id);
  });

  test("errors come back in Chargebee's shape and the SDK passes them on", async () => {
    await assert.rejects(sdk.customer.retrieve("no-such-customer"), (error: Record<string, unknown>) => {
      assert.equal(error.http_status_code, 404);
      assert.equal(error.api_error_code, "resource_not_found");
      assert.equal(error.type, "invalid_request");
      return true;
    });
    await assert.rejects(sdk.customer.create({ id: "po-employee-55", first_name: "Again" }), (error: Record<string, unknown>) => {
      assert.equal(error.http_status_code, 400);
      assert.equal(error.api_error_code, "duplicate_entry");
      assert.equal(error.param, "id");
      return true;
    });
  });
});
