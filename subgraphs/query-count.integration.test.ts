import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { SourceRecordInput } from "../src/datasets/types.js";
import { createTestDatabase, type TestDatabase } from "../test/helpers/database.js";
import { insertRecords, startSubgraphUnderTest, type SubgraphUnderTest } from "./shared/test-support.js";

/** The SQL statements one request runs must not grow with the number of results (DataLoader, one per type). */
const CUSTOMERS = 500;

async function seed(db: TestDatabase): Promise<void> {
  const records: SourceRecordInput[] = [];
  const unified: Array<Record<string, unknown>> = [];
  const links: Array<Record<string, unknown>> = [];
  const conflicts: Array<Record<string, unknown>> = [];
  records.push({ system: "poweroffice", entity: "Product", sourceId: "1", data: { Id: 1, Code: "P1", Name: "Time", UnitPrice: 1000 } });
  records.push({ system: "chargebee", entity: "item", sourceId: "po-product-1", data: { id: "po-product-1", name: "Time", type: "charge" } });
  records.push({
    system: "chargebee",
    entity: "item_price",
    sourceId: "po-product-1-NOK",
    data: { id: "po-product-1-NOK", item_id: "po-product-1", price: 100000 },
  });
  for (let n = 1; n <= CUSTOMERS; n++) {
    const email = `person${n}@example.no`;
    records.push({
      system: "poweroffice",
      entity: "Customer",
      sourceId: String(n),
      data: { Id: n, Name: `Firma ${n}`, EmailAddress: email },
      email,
      name: `Firma ${n}`,
    });
    records.push({
      system: "poweroffice",
      entity: "ContactPerson",
      sourceId: String(10_000 + n),
      parentId: String(n),
      data: { Id: 10_000 + n, ContactId: n, FirstName: "P", LastName: String(n), EmailAddress: email },
      email,
    });
    const orderId = `00000000-0000-4000-a000-${String(n).padStart(12, "0")}`;
    records.push({ system: "poweroffice", entity: "SalesOrder", sourceId: orderId, data: { Id: orderId, CustomerId: n, CurrencyCode: "NOK" } });
    records.push({
      system: "poweroffice",
      entity: "SalesOrderLine",
      sourceId: `l-${n}`,
      parentId: orderId,
      data: { Id: `l-${n}`, ProductId: 1, Quantity: 1 },
    });
    const cbId = `po-contactperson-${10_000 + n}`;
    records.push({
      system: "chargebee",
      entity: "customer",
      sourceId: cbId,
      data: { id: cbId, email, first_name: "P", last_name: String(n) },
      email,
    });
    records.push({
      system: "chargebee",
      entity: "invoice",
      sourceId: `inv-${n}`,
      data: { id: `inv-${n}`, customer_id: cbId, line_items: [{ id: `li-${n}`, entity_type: "charge_item_price", entity_id: "po-product-1-NOK" }] },
    });
    records.push({
      system: "chargebee",
      entity: "order",
      sourceId: `ord-${n}`,
      data: {
        id: `ord-${n}`,
        customer_id: cbId,
        invoice_id: `inv-${n}`,
        order_line_items: [{ id: `oli-${n}`, entity_type: "charge_item_price", entity_id: "po-product-1-NOK" }],
      },
    });
    const id = randomUUID();
    unified.push({ id, kind: "customer", email, name: `P ${String(n).padStart(4, "0")}`, agreed: JSON.stringify({ email }) });
    links.push({ unified_id: id, system: "poweroffice", entity: "ContactPerson", source_id: String(10_000 + n), flow: "F1" });
    links.push({ unified_id: id, system: "chargebee", entity: "customer", source_id: cbId, flow: "F1" });
    if (n % 2 === 0) conflicts.push({ unified_id: id, flow: "F1", field: "lastName", winner: "poweroffice", reason: "newer change" });
  }
  await insertRecords(db.knex, records);
  for (let start = 0; start < unified.length; start += 200) await db.knex("unified_records").insert(unified.slice(start, start + 200));
  for (let start = 0; start < links.length; start += 200) await db.knex("links").insert(links.slice(start, start + 200));
  for (let start = 0; start < conflicts.length; start += 200) await db.knex("conflicts").insert(conflicts.slice(start, start + 200));
}

const QUERIES = {
  link: `query($first: Int) { customers(first: $first) { totalCount edges { node { id name
    powerofficeContactPersons { id unifiedCustomer { id } } chargebee { id } links { flow } openConflicts { field kind } quarantine { id } orders { id } } } } }`,
  poweroffice: `query($first: Int) { powerofficeCustomers(first: $first) { totalCount edges { node { id name
    contactPersons { id customer { id } } salesOrders { id customer { id } lines { id product { id name } salesOrder { id } } } department { id } } } } }`,
  chargebee: `query($first: Int) { chargebeeCustomers(first: $first) { totalCount edges { node { id
    orders { id invoice { id lineItems { item { id } } } lineItems { itemPrice { id } item { id prices { id } } } } invoices { id } businessEntity { id } } } } }`,
} as const;

describe(`SQL statements per request: the same for 10 and ${CUSTOMERS} results`, () => {
  let db: TestDatabase;
  const subgraphs = {} as Record<keyof typeof QUERIES, SubgraphUnderTest>;
  before(async () => {
    db = await createTestDatabase();
    await seed(db);
    for (const name of Object.keys(QUERIES) as Array<keyof typeof QUERIES>) subgraphs[name] = await startSubgraphUnderTest(name, { db });
  });
  after(async () => {
    for (const subgraph of Object.values(subgraphs)) await subgraph.close();
    await db.dispose();
  });

  for (const name of Object.keys(QUERIES) as Array<keyof typeof QUERIES>) {
    test(`${name}: a nested list query`, async (t) => {
      const counts: number[] = [];
      for (const first of [10, CUSTOMERS]) {
        const subgraph = subgraphs[name];
        const before = subgraph.knexQueries.count;
        const result: any = await subgraph.query(QUERIES[name], { first });
        assert.equal(result.errors, undefined, JSON.stringify(result.errors));
        const connection = Object.values(result.data)[0] as { edges: unknown[]; totalCount: number };
        assert.equal(connection.edges.length, first);
        assert.equal(connection.totalCount, CUSTOMERS);
        // the request's own count agrees with every statement knex ran meanwhile
        assert.equal(result.extensions.sqlQueries, subgraph.knexQueries.count - before);
        counts.push(result.extensions.sqlQueries);
      }
      t.diagnostic(`${name}: ${counts[0]} statements for 10 customers, ${counts[1]} for ${CUSTOMERS}`);
      assert.equal(counts[0], counts[1], `statements for 10 and ${CUSTOMERS} results: ${counts.join(" vs ")}`);
    });
  }

  test("_entities: 10 and 500 representations of two types take the same single statement", async () => {
    const subgraph = subgraphs.poweroffice;
    for (const size of [10, CUSTOMERS]) {
      const representations = Array.from({ length: size }, (_, index) => [
        { __typename: "PowerOfficeCustomer", id: String(index + 1) },
        { __typename: "PowerOfficeContactPerson", id: String(10_001 + index) },
      ]).flat();
      const result: any = await subgraph.query(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on PowerOfficeCustomer { name } ... on PowerOfficeContactPerson { emailAddress } } }`,
        { r: representations },
      );
      assert.equal(result.errors, undefined);
      assert.equal(result.data._entities.filter(Boolean).length, size * 2);
      assert.equal(result.extensions.sqlQueries, 1);
    }
  });
});
