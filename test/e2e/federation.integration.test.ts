/**
 * Whole queries through the gateway over the real subgraphs, each answer compared as whole JSON (as Apollo's
 * supergraph-demo smoke tests do), on the deterministic fixture: customer 1 (PowerOffice contact person 1001 and
 * person customer 5001, Chargebee customer po-contactperson-1001), its order (two lines: products 7003 ×1, 7004 ×2),
 * and item 2. Then the SQL statements per request, which must not grow with the number of customers.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startFederation, INTEGRATOR_KEY, type Federation } from "./support/federation.js";
import { seedFixture, unifiedCustomerId, unifiedItemId, unifiedOrderId } from "./support/fixture.js";
import { UNIFIED_CUSTOMERS_QUERY } from "../../bench/gateway-query.js";
import { ideDefaultQuery } from "../../gateway/ide.js";

const CUSTOMER_QUERY = /* GraphQL */ `
  query Customer($id: ID!) {
    customer(id: $id) {
      id
      email
      name
      firstName
      lastName
      syncState
      lastSyncedAt
      powerofficeContactPersons {
        id
        firstName
        lastName
        emailAddress
      }
      powerofficeCustomer {
        id
        number
        isPerson
        name
        emailAddress
      }
      chargebee {
        id
        firstName
        lastName
        email
        preferredCurrencyCode
      }
      orders {
        id
        currencyCode
        amount
        taxAmount
      }
      links {
        system
        type
        sourceId
        flow
        status
      }
    }
  }
`;

const ORDER_QUERY = /* GraphQL */ `
  query Order($id: ID!) {
    order(id: $id) {
      id
      name
      currencyCode
      orderDate
      amount
      taxAmount
      syncState
      customer {
        id
        email
      }
      powerofficeSalesOrder {
        id
        salesOrderNo
        customerId
        currencyCode
        lines {
          id
          description
          quantity
          productUnitPrice
          vatRate
          product {
            id
            name
          }
        }
      }
      chargebeeOrder {
        id
        documentNumber
        customerId
        currencyCode
        total
        lineItems {
          id
          description
          unitPrice
          quantity
          amount
          taxAmount
        }
      }
      chargebeeInvoice {
        id
        status
        total
      }
    }
  }
`;

const ITEM_QUERY = /* GraphQL */ `
  query Item($id: ID!) {
    item(id: $id) {
      id
      name
      syncState
      powerofficeProduct {
        id
        code
        name
        unitPrice
      }
      chargebee {
        id
        name
        type
        status
      }
    }
  }
`;

describe("whole queries through the gateway", () => {
  let federation: Federation;

  before(async () => {
    federation = await startFederation();
    await seedFixture(federation.db.knex, { customers: 3 });
  });
  after(async () => {
    await federation?.close();
  });

  test("a unified customer with its PowerOffice and Chargebee sides", async () => {
    const { status, body } = await federation.query(CUSTOMER_QUERY, { id: unifiedCustomerId(1) });
    assert.equal(status, 200);
    assert.deepEqual(body, {
      data: {
        customer: {
          id: "00000001-0000-4000-8000-000000000001",
          email: "ola.nordmann1@example.no",
          name: "Ola Nordmann1",
          firstName: "Ola",
          lastName: "Nordmann1",
          syncState: "SYNCED",
          lastSyncedAt: "2026-11-20T10:00:00.000Z",
          powerofficeContactPersons: [{ id: "1001", firstName: "Ola", lastName: "Nordmann1", emailAddress: "ola.nordmann1@example.no" }],
          powerofficeCustomer: {
            id: "5001",
            number: 10001,
            isPerson: true,
            name: "Ola Nordmann1",
            emailAddress: "ola.nordmann1@example.no",
          },
          chargebee: {
            id: "po-contactperson-1001",
            firstName: "Ola",
            lastName: "Nordmann1",
            email: "ola.nordmann1@example.no",
            preferredCurrencyCode: "NOK",
          },
          orders: [{ id: "00000002-0000-4000-8000-000000000001", currencyCode: "NOK", amount: 125000, taxAmount: 31250 }],
          links: [
            { system: "CHARGEBEE", type: "customer", sourceId: "po-contactperson-1001", flow: "F1", status: "ACTIVE" },
            { system: "CHARGEBEE", type: "customer", sourceId: "po-contactperson-1001", flow: "F3", status: "ACTIVE" },
            { system: "POWEROFFICE", type: "ContactPerson", sourceId: "1001", flow: "F1", status: "ACTIVE" },
            { system: "POWEROFFICE", type: "Customer", sourceId: "5001", flow: "F3", status: "ACTIVE" },
          ],
        },
      },
    });
  });

  test("an order with its lines from both systems (øre in Chargebee, kroner in PowerOffice)", async () => {
    const { status, body } = await federation.query(ORDER_QUERY, { id: unifiedOrderId(1) });
    assert.equal(status, 200);
    assert.deepEqual(body, {
      data: {
        order: {
          id: "00000002-0000-4000-8000-000000000001",
          name: "Sales order 20001",
          currencyCode: "NOK",
          orderDate: "2026-11-18",
          amount: 125000,
          taxAmount: 31250,
          syncState: "SYNCED",
          customer: { id: "00000001-0000-4000-8000-000000000001", email: "ola.nordmann1@example.no" },
          powerofficeSalesOrder: {
            id: "00000004-0000-4000-8000-000000000001",
            salesOrderNo: 20001,
            customerId: "5001",
            currencyCode: "NOK",
            lines: [
              {
                id: "00000005-0000-4000-8000-00000000000b",
                description: "Tjeneste 3",
                quantity: 1,
                productUnitPrice: 350,
                vatRate: 0.25,
                product: { id: "7003", name: "Tjeneste 3" },
              },
              {
                id: "00000005-0000-4000-8000-00000000000c",
                description: "Tjeneste 4",
                quantity: 2,
                productUnitPrice: 450,
                vatRate: 0.25,
                product: { id: "7004", name: "Tjeneste 4" },
              },
            ],
          },
          chargebeeOrder: {
            id: "po-so-00000004000040008000000000000001",
            documentNumber: "SO-20001",
            customerId: "po-contactperson-1001",
            currencyCode: "NOK",
            total: 156250,
            lineItems: [
              { id: "li-1-1", description: "Tjeneste 3", unitPrice: 35000, quantity: 1, amount: 35000, taxAmount: 8750 },
              { id: "li-1-2", description: "Tjeneste 4", unitPrice: 45000, quantity: 2, amount: 90000, taxAmount: 22500 },
            ],
          },
          chargebeeInvoice: { id: "po-inv-1", status: "posted", total: 156250 },
        },
      },
    });
  });

  test("an item with its PowerOffice product and Chargebee item", async () => {
    const { status, body } = await federation.query(ITEM_QUERY, { id: unifiedItemId(2) });
    assert.equal(status, 200);
    assert.deepEqual(body, {
      data: {
        item: {
          id: "00000003-0000-4000-8000-000000000002",
          name: "Tjeneste 2",
          syncState: "SYNCED",
          powerofficeProduct: { id: "7002", code: "P2", name: "Tjeneste 2", unitPrice: 250 },
          chargebee: { id: "po-product-7002", name: "Tjeneste 2", type: "charge", status: "active" },
        },
      },
    });
  });

  test("an unknown customer is null, not an error", async () => {
    const { status, body } = await federation.query(CUSTOMER_QUERY, { id: "00000001-0000-4000-8000-0000000003e7" });
    assert.equal(status, 200);
    assert.deepEqual(body, { data: { customer: null } });
  });

  test("a mutation with a reader key is refused at the gateway with FORBIDDEN", async () => {
    const { status, body } = await federation.query('mutation { runSync(flows: ["F1"], mode: FULL) { id } }');
    assert.equal(status, 403);
    assert.equal(body.errors[0].extensions.code, "FORBIDDEN");
    const count = await federation.db.knex("sync_runs").count<{ count: number }[]>({ count: "*" });
    assert.equal(Number(count[0]!.count), 0, "no run was created");
  });

  test("the IDE's first query runs on the real supergraph", async () => {
    const { status, body } = await federation.query(ideDefaultQuery(federation.gateway.supergraphSdl, false));
    assert.equal(status, 200);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.equal(body.data.customers.edges.length, 3);
  });

  test("/readyz checks the database and the three subgraphs", async () => {
    const response = await fetch(`${federation.gateway.url}/readyz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      status: "ready",
      checks: [
        { name: "database", ok: true },
        { name: "subgraph:poweroffice", ok: true },
        { name: "subgraph:chargebee", ok: true },
        { name: "subgraph:link", ok: true },
      ],
    });
  });

  test("the same query through the gateway and its answer are stable across requests", async () => {
    const first = await federation.query(UNIFIED_CUSTOMERS_QUERY, { first: 3 });
    const second = await federation.query(UNIFIED_CUSTOMERS_QUERY, { first: 3 }, { "x-api-key": INTEGRATOR_KEY });
    assert.equal(first.status, 200);
    assert.equal(first.body.errors, undefined);
    assert.equal(first.body.data.customers.totalCount, 3);
    assert.deepEqual(second.body, first.body);
  });
});

describe("SQL statements per gateway request", () => {
  test("the unified-customers query runs as many statements for 500 customers as for 10", { timeout: 120_000 }, async () => {
    const federation = await startFederation();
    try {
      const statementsFor = async (customers: number) => {
        const before = federation.sql.count;
        const response = await federation.query(UNIFIED_CUSTOMERS_QUERY, { first: 1000 });
        const statements = federation.sql.count - before;
        assert.equal(response.status, 200);
        assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
        assert.equal(response.body.data.customers.edges.length, customers);
        const withOrders = response.body.data.customers.edges.filter((e: { node: { orders: unknown[] } }) => e.node.orders.length === 1);
        assert.equal(withOrders.length, customers, "every customer came back with its order");
        return statements;
      };
      await seedFixture(federation.db.knex, { customers: 10 });
      const forTen = await statementsFor(10);
      await seedFixture(federation.db.knex, { customers: 500, startAt: 11 });
      const forFiveHundred = await statementsFor(500);
      assert.ok(forTen > 0);
      assert.equal(forFiveHundred, forTen, `10 customers: ${forTen} statements, 500 customers: ${forFiveHundred}`);
    } finally {
      await federation.close();
    }
  });
});
