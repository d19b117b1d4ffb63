import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chargebeeRecordFrom } from "../../src/connectors/chargebee/records.js";
import { insertRecords, startSubgraphUnderTest, type SubgraphUnderTest } from "../shared/test-support.js";

const T = 1_764_000_000; // epoch seconds

const objects: Array<[string, Record<string, unknown>]> = [
  ["business_entity", { id: "be_demo", name: "PowerOffice Sync Demo", status: "active", created_at: T, updated_at: T, deleted: false }],
  [
    "customer",
    {
      id: "po-contactperson-101",
      first_name: "Kari",
      last_name: "Nordmann",
      email: "Kari@Example.no",
      business_entity_id: "be_demo",
      created_at: T,
      updated_at: T + 60,
      deleted: false,
      promotional_credits: 0,
      billing_address: { line1: "Storgata 1", city: "Oslo", country: "NO" },
    },
  ],
  [
    "customer",
    { id: "po-customer-7", company: "Fjord AS", email: "post@fjord.no", business_entity_id: "be_demo", created_at: T, updated_at: T, deleted: false },
  ],
  ["customer", { id: "cb-gone", company: "Borte AS", created_at: T, deleted: true }],
  [
    "item",
    { id: "po-product-7", name: "Konsulenttime", type: "charge", item_family_id: "po-products", status: "active", updated_at: T, deleted: false },
  ],
  ["item", { id: "po-product-8", name: "Lisens", type: "plan", item_family_id: "po-products", status: "archived", updated_at: T, deleted: false }],
  [
    "item_price",
    {
      id: "po-product-7-NOK",
      item_id: "po-product-7",
      name: "Konsulenttime NOK",
      currency_code: "NOK",
      price: 125050,
      pricing_model: "per_unit",
      status: "active",
      updated_at: T,
    },
  ],
  [
    "invoice",
    {
      id: "inv_1",
      customer_id: "po-customer-7",
      status: "payment_due",
      date: T,
      currency_code: "NOK",
      sub_total: 250100,
      tax: 62525,
      total: 312625,
      amount_due: 312625,
      updated_at: T,
      line_items: [
        {
          id: "li_1",
          description: "Konsulenttime",
          unit_amount: 125050,
          quantity: 2,
          amount: 250100,
          tax_amount: 62525,
          tax_rate: 25,
          entity_type: "charge_item_price",
          entity_id: "po-product-7-NOK",
        },
      ],
    },
  ],
  [
    "order",
    {
      id: "po-so-aaaa",
      document_number: "po-so-aaaa",
      invoice_id: "inv_1",
      customer_id: "po-customer-7",
      status: "queued",
      currency_code: "NOK",
      sub_total: 250100,
      tax: 62525,
      total: 312625,
      created_at: T,
      updated_at: T,
      deleted: false,
      order_line_items: [
        {
          id: "oli_1",
          invoice_id: "inv_1",
          invoice_line_item_id: "li_1",
          unit_price: 125050,
          amount: 250100,
          tax_amount: 62525,
          fulfillment_quantity: 2,
          entity_type: "charge_item_price",
          entity_id: "po-product-7-NOK",
          description: "Konsulenttime",
        },
      ],
    },
  ],
];

describe("chargebee subgraph", () => {
  let subgraph: SubgraphUnderTest;
  before(async () => {
    subgraph = await startSubgraphUnderTest("chargebee");
    await insertRecords(
      subgraph.db.knex,
      objects.map(([entity, object]) => chargebeeRecordFrom(entity, object)),
    );
  });
  after(async () => subgraph.close());

  test("customers: filters, pagination in id order, money in øre, epoch seconds as ISO times", async () => {
    const result: any = await subgraph.query(`{
      page1: chargebeeCustomers(first: 1) { totalCount edges { node { id name } } pageInfo { hasNextPage endCursor } }
      byEmail: chargebeeCustomers(filter: { email: "kari@EXAMPLE.no" }) { edges { node { id firstName email lastChangedAt createdAt promotionalCredits billingAddress { city country } businessEntity { name } } } }
      byCompany: chargebeeCustomers(filter: { company: "Fjord AS" }) { edges { node { id } } }
      withDeleted: chargebeeCustomers(filter: { includeDeleted: true }) { totalCount }
      inEntity: chargebeeCustomers(filter: { businessEntityId: "be_demo" }) { totalCount }
    }`);
    assert.equal(result.errors, undefined);
    assert.equal(result.data.page1.totalCount, 2);
    assert.deepEqual(result.data.page1.edges, [{ node: { id: "po-customer-7", name: "Fjord AS" } }]);
    assert.equal(result.data.page1.pageInfo.hasNextPage, true);
    const page2: any = await subgraph.query(
      `query($after: String) { chargebeeCustomers(first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage } } }`,
      { after: result.data.page1.pageInfo.endCursor },
    );
    assert.deepEqual(page2.data.chargebeeCustomers, { edges: [{ node: { id: "po-contactperson-101" } }], pageInfo: { hasNextPage: false } });
    assert.deepEqual(result.data.byEmail.edges, [
      {
        node: {
          id: "po-contactperson-101",
          firstName: "Kari",
          email: "Kari@Example.no",
          lastChangedAt: new Date((T + 60) * 1000).toISOString(),
          createdAt: new Date(T * 1000).toISOString(),
          promotionalCredits: 0,
          billingAddress: { city: "Oslo", country: "NO" },
          businessEntity: { name: "PowerOffice Sync Demo" },
        },
      },
    ]);
    assert.deepEqual(result.data.byCompany.edges, [{ node: { id: "po-customer-7" } }]);
    assert.equal(result.data.withDeleted.totalCount, 3);
    assert.equal(result.data.inEntity.totalCount, 2);
  });

  test("an order's customer, invoice and line items with their items", async () => {
    const result: any = await subgraph.query(`{ chargebeeOrder(id: "po-so-aaaa") {
      total currencyCode customer { id company orders { id } invoices { id } }
      invoice { id total amountDue lineItems { quantity unitAmount taxRate item { id } } orders { id } }
      lineItems { id unitPrice quantity amount taxAmount itemPrice { id price currencyCode } item { id name prices { id } } }
    } }`);
    assert.equal(result.errors, undefined);
    assert.deepEqual(result.data.chargebeeOrder, {
      total: 312625,
      currencyCode: "NOK",
      customer: { id: "po-customer-7", company: "Fjord AS", orders: [{ id: "po-so-aaaa" }], invoices: [{ id: "inv_1" }] },
      invoice: {
        id: "inv_1",
        total: 312625,
        amountDue: 312625,
        lineItems: [{ quantity: 2, unitAmount: 125050, taxRate: 25, item: { id: "po-product-7" } }],
        orders: [{ id: "po-so-aaaa" }],
      },
      lineItems: [
        {
          id: "oli_1",
          unitPrice: 125050,
          quantity: 2,
          amount: 250100,
          taxAmount: 62525,
          itemPrice: { id: "po-product-7-NOK", price: 125050, currencyCode: "NOK" },
          item: { id: "po-product-7", name: "Konsulenttime", prices: [{ id: "po-product-7-NOK" }] },
        },
      ],
    });
  });

  test("items, invoices, orders and business entities lists with their filters", async () => {
    const result: any = await subgraph.query(`{
      plans: chargebeeItems(filter: { type: "plan" }) { edges { node { id status } } }
      active: chargebeeItems(filter: { status: "active" }) { totalCount }
      named: chargebeeItems(filter: { name: "lisens" }) { edges { node { id } } }
      invoices: chargebeeInvoices(filter: { customerId: "po-customer-7", status: "payment_due" }) { totalCount }
      orders: chargebeeOrders(filter: { invoiceId: "inv_1" }) { edges { node { id } } }
      none: chargebeeOrders(filter: { customerId: "nobody" }) { totalCount edges { cursor } pageInfo { hasNextPage startCursor endCursor } }
      entities: chargebeeBusinessEntities { edges { node { id name status customers { id } } } }
    }`);
    assert.equal(result.errors, undefined);
    assert.deepEqual(result.data.plans.edges, [{ node: { id: "po-product-8", status: "archived" } }]);
    assert.equal(result.data.active.totalCount, 1);
    assert.deepEqual(result.data.named.edges, [{ node: { id: "po-product-8" } }]);
    assert.equal(result.data.invoices.totalCount, 1);
    assert.deepEqual(result.data.orders.edges, [{ node: { id: "po-so-aaaa" } }]);
    assert.deepEqual(result.data.none, { totalCount: 0, edges: [], pageInfo: { hasNextPage: false, startCursor: null, endCursor: null } });
    assert.deepEqual(result.data.entities.edges, [
      {
        node: {
          id: "be_demo",
          name: "PowerOffice Sync Demo",
          status: "active",
          customers: [{ id: "po-customer-7" }, { id: "po-contactperson-101" }],
        },
      },
    ]);
  });

  test("_entities of several types: one statement for all of them, deleted records still resolve", async () => {
    const result: any = await subgraph.query(
      `query($r: [_Any!]!) { _entities(representations: $r) {
      ... on ChargebeeCustomer { id deleted } ... on ChargebeeItem { id name } ... on ChargebeeInvoice { id } } }`,
      {
        r: [
          { __typename: "ChargebeeCustomer", id: "po-customer-7" },
          { __typename: "ChargebeeCustomer", id: "cb-gone" },
          { __typename: "ChargebeeItem", id: "po-product-7" },
          { __typename: "ChargebeeItem", id: "po-product-8" },
          { __typename: "ChargebeeInvoice", id: "inv_1" },
        ],
      },
    );
    assert.equal(result.errors, undefined);
    assert.deepEqual(result.data._entities, [
      { id: "po-customer-7", deleted: false },
      { id: "cb-gone", deleted: true },
      { id: "po-product-7", name: "Konsulenttime" },
      { id: "po-product-8", name: "Lisens" },
      { id: "inv_1" },
    ]);
    assert.equal(result.extensions.sqlQueries, 1);
  });
});
