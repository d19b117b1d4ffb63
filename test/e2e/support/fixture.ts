/**
 * A deterministic data set as the sync leaves it: dataset records of both systems (API field names), unified records
 * and the links between them. Customer i is PowerOffice contact person 1000+i and person customer 5000+i, one
 * Chargebee customer po-contactperson-<1000+i>, with one sales order of two lines (→ a Chargebee invoice and order).
 * Products 7001..7005 are Chargebee items po-product-<id>. Used by the gateway e2e tests and npm run bench:gateway.
 */
import type { Knex } from "knex";
import { upsertRecords } from "../../../src/datasets/upsert-records.js";
import type { SourceRecordInput } from "../../../src/datasets/types.js";

export const PRODUCT_COUNT = 5;
const SYNCED_AT = new Date("2026-11-20T10:00:00.000Z");
const CHANGED_AT = new Date("2026-11-19T08:30:00.000Z");
const FIRST_NAMES = ["Kari", "Ola", "Ingrid", "Lars", "Sigrid", "Nils", "Astrid", "Per"];
const LAST_NAMES = ["Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Dahl"];

/** Deterministic UUIDs: one namespace digit per kind, then the number. */
export function fixtureUuid(kind: 1 | 2 | 3 | 4 | 5 | 6, n: number): string {
  return `0000000${kind}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

export const unifiedCustomerId = (i: number) => fixtureUuid(1, i);
export const unifiedOrderId = (i: number) => fixtureUuid(2, i);
export const unifiedItemId = (k: number) => fixtureUuid(3, k);
export const salesOrderId = (i: number) => fixtureUuid(4, i);
export const salesOrderLineId = (i: number, line: number) => fixtureUuid(5, i * 10 + line);
export const chargebeeOrderId = (i: number) => `po-so-${salesOrderId(i).replace(/-/g, "")}`.slice(0, 40);
export const chargebeeInvoiceId = (i: number) => `po-inv-${i}`;
export const chargebeeCustomerId = (i: number) => `po-contactperson-${1000 + i}`;
export const productId = (k: number) => String(7000 + k);
export const chargebeeItemId = (k: number) => `po-product-${7000 + k}`;

export function personOf(i: number) {
  const firstName = FIRST_NAMES[i % FIRST_NAMES.length]!;
  const lastName = `${LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length]!}${i}`;
  return { firstName, lastName, name: `${firstName} ${lastName}`, email: `${firstName}.${lastName}@example.no`.toLowerCase() };
}

function productOf(k: number) {
  return { name: `Tjeneste ${k}`, unitPrice: 100 * k + 50 };
}

const unix = (date: Date) => Math.floor(date.getTime() / 1000);

export interface FixtureSize {
  /** Customers 1..customers (or startAt..customers). */
  customers: number;
  /** To grow an existing fixture: the first customer to add (the products exist already when above 1). */
  startAt?: number;
}

/** Writes the fixture in a few multi-row statements. */
export async function seedFixture(knex: Knex, { customers, startAt = 1 }: FixtureSize): Promise<void> {
  const records: SourceRecordInput[] = [];
  const unified: Array<Record<string, unknown>> = [];
  const links: Array<Record<string, unknown>> = [];
  const link = (unifiedId: string, system: string, entity: string, sourceId: string, flow: string, agreed: object) =>
    links.push({
      unified_id: unifiedId,
      system,
      entity,
      source_id: sourceId,
      flow,
      agreed: JSON.stringify(agreed),
      agreed_source_changed_at: CHANGED_AT,
      last_synced_at: SYNCED_AT,
      status: "active",
    });

  for (let k = 1; startAt === 1 && k <= PRODUCT_COUNT; k++) {
    const product = productOf(k);
    records.push({
      system: "poweroffice",
      entity: "Product",
      sourceId: productId(k),
      name: product.name,
      sourceChangedAt: CHANGED_AT,
      data: {
        Id: Number(productId(k)),
        Code: `P${k}`,
        Name: product.name,
        UnitPrice: product.unitPrice,
        IsArchived: false,
        LastChangedDateTimeOffset: CHANGED_AT.toISOString(),
      },
    });
    records.push({
      system: "chargebee",
      entity: "item",
      sourceId: chargebeeItemId(k),
      name: product.name,
      sourceChangedAt: CHANGED_AT,
      data: {
        id: chargebeeItemId(k),
        name: product.name,
        type: "charge",
        status: "active",
        item_applicability: "all",
        updated_at: unix(CHANGED_AT),
        resource_version: 1,
        object: "item",
      },
    });
    unified.push({
      id: unifiedItemId(k),
      kind: "item",
      agreed: JSON.stringify({ name: product.name }),
      name: product.name,
      sync_state: "synced",
      last_synced_at: SYNCED_AT,
    });
    link(unifiedItemId(k), "poweroffice", "Product", productId(k), "F7", { name: product.name });
    link(unifiedItemId(k), "chargebee", "item", chargebeeItemId(k), "F7", { name: product.name });
  }

  for (let i = startAt; i <= customers; i++) {
    const person = personOf(i);
    const contactPersonId = String(1000 + i);
    const customerId = String(5000 + i);
    const agreedPerson = { email: person.email, firstName: person.firstName, lastName: person.lastName };
    records.push({
      system: "poweroffice",
      entity: "ContactPerson",
      sourceId: contactPersonId,
      email: person.email,
      name: person.name,
      sourceChangedAt: CHANGED_AT,
      data: {
        Id: Number(contactPersonId),
        FirstName: person.firstName,
        LastName: person.lastName,
        EmailAddress: person.email,
        IsActive: true,
        LastChangedDateTimeOffset: CHANGED_AT.toISOString(),
      },
    });
    records.push({
      system: "poweroffice",
      entity: "Customer",
      sourceId: customerId,
      email: person.email,
      name: person.name,
      sourceChangedAt: CHANGED_AT,
      data: {
        Id: Number(customerId),
        Number: 10000 + i,
        IsPerson: true,
        Name: person.name,
        FirstName: person.firstName,
        LastName: person.lastName,
        EmailAddress: person.email,
        CurrencyCode: "NOK",
        IsActive: true,
        LastChangedDateTimeOffset: CHANGED_AT.toISOString(),
      },
    });
    records.push({
      system: "chargebee",
      entity: "customer",
      sourceId: chargebeeCustomerId(i),
      email: person.email,
      name: person.name,
      sourceChangedAt: CHANGED_AT,
      data: {
        id: chargebeeCustomerId(i),
        first_name: person.firstName,
        last_name: person.lastName,
        email: person.email,
        auto_collection: "off",
        net_term_days: 14,
        deleted: false,
        created_at: unix(CHANGED_AT),
        updated_at: unix(CHANGED_AT),
        resource_version: 1,
        preferred_currency_code: "NOK",
        object: "customer",
      },
    });
    unified.push({
      id: unifiedCustomerId(i),
      kind: "customer",
      agreed: JSON.stringify(agreedPerson),
      email: person.email,
      name: person.name,
      sync_state: "synced",
      last_synced_at: SYNCED_AT,
    });
    link(unifiedCustomerId(i), "poweroffice", "ContactPerson", contactPersonId, "F1", agreedPerson);
    link(unifiedCustomerId(i), "chargebee", "customer", chargebeeCustomerId(i), "F1", agreedPerson);
    link(unifiedCustomerId(i), "poweroffice", "Customer", customerId, "F3", agreedPerson);
    link(unifiedCustomerId(i), "chargebee", "customer", chargebeeCustomerId(i), "F3", agreedPerson);

    // One sales order with two product lines; its Chargebee invoice and order carry the same lines in øre.
    const lines = [1, 2].map((line) => {
      const k = ((i + line) % PRODUCT_COUNT) + 1;
      const product = productOf(k);
      const quantity = line;
      const unitPrice = product.unitPrice * 100;
      const amount = unitPrice * quantity;
      return { line, k, product, quantity, unitPrice, amount, taxAmount: Math.round(amount * 0.25) };
    });
    const total = lines.reduce((sum, l) => sum + l.amount + l.taxAmount, 0);
    records.push({
      system: "poweroffice",
      entity: "SalesOrder",
      sourceId: salesOrderId(i),
      sourceChangedAt: CHANGED_AT,
      data: {
        Id: salesOrderId(i),
        SalesOrderNo: 20000 + i,
        CustomerId: Number(customerId),
        CustomerReferenceContactPersonId: Number(contactPersonId),
        CurrencyCode: "NOK",
        SalesOrderDate: "2026-11-18",
        LastChangedDateTimeOffset: CHANGED_AT.toISOString(),
      },
    });
    for (const l of lines) {
      records.push({
        system: "poweroffice",
        entity: "SalesOrderLine",
        sourceId: salesOrderLineId(i, l.line),
        parentId: salesOrderId(i),
        sourceChangedAt: CHANGED_AT,
        data: {
          Id: salesOrderLineId(i, l.line),
          SalesOrderId: salesOrderId(i),
          ProductId: Number(productId(l.k)),
          Description: l.product.name,
          ProductUnitPrice: l.product.unitPrice,
          Quantity: l.quantity,
          VatRate: 0.25,
          LineType: "Normal",
          SortOrder: l.line,
        },
      });
    }
    const lineItems = lines.map((l) => ({
      id: `li-${i}-${l.line}`,
      entity_type: "plan_item_price",
      entity_id: `${chargebeeItemId(l.k)}-NOK`,
      description: l.product.name,
      unit_amount: l.unitPrice,
      quantity: l.quantity,
      amount: l.amount,
      tax_amount: l.taxAmount,
      tax_rate: 25,
      discount_amount: 0,
      item_level_discount_amount: 0,
      is_taxed: true,
      object: "line_item",
    }));
    records.push({
      system: "chargebee",
      entity: "invoice",
      sourceId: chargebeeInvoiceId(i),
      parentId: chargebeeCustomerId(i),
      sourceChangedAt: CHANGED_AT,
      data: {
        id: chargebeeInvoiceId(i),
        customer_id: chargebeeCustomerId(i),
        status: "posted",
        currency_code: "NOK",
        total,
        sub_total: total - lines.reduce((s, l) => s + l.taxAmount, 0),
        tax: lines.reduce((s, l) => s + l.taxAmount, 0),
        date: unix(CHANGED_AT),
        updated_at: unix(CHANGED_AT),
        line_items: lineItems,
        object: "invoice",
      },
    });
    records.push({
      system: "chargebee",
      entity: "order",
      sourceId: chargebeeOrderId(i),
      parentId: chargebeeCustomerId(i),
      sourceChangedAt: CHANGED_AT,
      data: {
        id: chargebeeOrderId(i),
        document_number: `SO-${20000 + i}`,
        invoice_id: chargebeeInvoiceId(i),
        customer_id: chargebeeCustomerId(i),
        status: "new",
        currency_code: "NOK",
        total,
        order_line_items: lineItems.map((li) => ({
          id: li.id,
          invoice_id: chargebeeInvoiceId(i),
          invoice_line_item_id: li.id,
          unit_price: li.unit_amount,
          description: li.description,
          amount: li.amount,
          tax_amount: li.tax_amount,
          fulfillment_quantity: li.quantity,
          entity_type: li.entity_type,
          entity_id: li.entity_id,
          object: "order_line_item",
        })),
        created_at: unix(CHANGED_AT),
        updated_at: unix(CHANGED_AT),
        resource_version: 1,
        object: "order",
      },
    });
    // The values F8 agrees on: currency, the Chargebee customer (and contact), the date, the lines and their sums.
    const agreedOrder = {
      currencyCode: "NOK",
      customerId: chargebeeCustomerId(i),
      contactCustomerId: chargebeeCustomerId(i),
      orderDate: "2026-11-18",
      lines: lines.map((l) => ({
        lineId: salesOrderLineId(i, l.line),
        productId: productId(l.k),
        itemPriceId: `${chargebeeItemId(l.k)}-NOK`,
        description: l.product.name,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        discountAmount: 0,
        amount: l.amount,
        taxRate: 25,
        taxAmount: l.taxAmount,
      })),
      amount: lines.reduce((s, l) => s + l.amount, 0),
      taxAmount: lines.reduce((s, l) => s + l.taxAmount, 0),
    };
    unified.push({
      id: unifiedOrderId(i),
      kind: "order",
      agreed: JSON.stringify(agreedOrder),
      name: `Sales order ${20000 + i}`,
      sync_state: "synced",
      last_synced_at: SYNCED_AT,
    });
    link(unifiedOrderId(i), "poweroffice", "SalesOrder", salesOrderId(i), "F8", agreedOrder);
    link(unifiedOrderId(i), "chargebee", "order", chargebeeOrderId(i), "F8", agreedOrder);
    link(unifiedOrderId(i), "chargebee", "invoice", chargebeeInvoiceId(i), "F8", agreedOrder);
  }

  await upsertRecords(knex, records);
  for (let start = 0; start < unified.length; start += 1000) await knex("unified_records").insert(unified.slice(start, start + 1000));
  for (let start = 0; start < links.length; start += 1000) await knex("links").insert(links.slice(start, start + 1000));
}
