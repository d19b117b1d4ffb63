import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { SourceRecordInput } from "../../src/datasets/types.js";
import { insertRecords, startSubgraphUnderTest, type SubgraphUnderTest } from "../shared/test-support.js";

function customer(id: number, extra: Record<string, unknown> = {}): SourceRecordInput {
  const data = {
    Id: id,
    Number: 10000 + id,
    Name: `Firma ${id} AS`,
    EmailAddress: `post${id}@firma.no`,
    IsPerson: false,
    LastChangedDateTimeOffset: "2026-11-01T10:00:00.1234567+00:00",
    ...extra,
  };
  return {
    system: "poweroffice",
    entity: "Customer",
    sourceId: String(id),
    data,
    email: String(data.EmailAddress),
    name: String(data.Name),
    sourceChangedAt: new Date("2026-11-01T10:00:00Z"),
  };
}

describe("poweroffice subgraph", () => {
  let subgraph: SubgraphUnderTest;
  before(async () => {
    subgraph = await startSubgraphUnderTest("poweroffice");
    const records: SourceRecordInput[] = [];
    for (let id = 1; id <= 12; id++) records.push(customer(id));
    records.push(customer(13, { IsPerson: true, Name: null, FirstName: "Kari", LastName: "Nordmann", EmailAddress: "Kari@Example.no" }));
    records[12]!.name = "Kari Nordmann";
    records.push({
      system: "poweroffice",
      entity: "Customer",
      sourceId: "14",
      data: { Id: 14, Name: "Slettet AS" },
      deleted: true,
      name: "Slettet AS",
    });
    for (const [id, contactId] of [
      [101, 1],
      [102, 1],
      [103, 2],
    ] as const) {
      records.push({
        system: "poweroffice",
        entity: "ContactPerson",
        sourceId: String(id),
        parentId: String(contactId),
        data: { Id: id, ContactId: contactId, FirstName: `P${id}`, LastName: "Hansen", EmailAddress: `p${id}@firma.no` },
        email: `p${id}@firma.no`,
        name: `P${id} Hansen`,
      });
    }
    records.push({
      system: "poweroffice",
      entity: "Product",
      sourceId: "7",
      data: { Id: 7, Code: "P7", Name: "Konsulenttime", UnitPrice: 1250.5 },
      name: "Konsulenttime",
    });
    records.push({
      system: "poweroffice",
      entity: "SalesOrder",
      sourceId: "aaaaaaaa-0000-0000-0000-000000000001",
      data: {
        Id: "aaaaaaaa-0000-0000-0000-000000000001",
        SalesOrderNo: 5,
        CustomerId: 1,
        CurrencyCode: "NOK",
        TotalAmount: 3126.25,
        SalesOrderStatus: "Draft",
      },
    });
    records.push({
      system: "poweroffice",
      entity: "SalesOrderLine",
      sourceId: "bbbbbbbb-0000-0000-0000-000000000002",
      parentId: "aaaaaaaa-0000-0000-0000-000000000001",
      data: { Id: "bbbbbbbb-0000-0000-0000-000000000002", ProductId: 7, Quantity: 2, ProductUnitPrice: 1250.5, VatRate: 0.25, SortOrder: 1 },
    });
    records.push({
      system: "poweroffice",
      entity: "SalesOrderLine",
      sourceId: "bbbbbbbb-0000-0000-0000-000000000001",
      parentId: "aaaaaaaa-0000-0000-0000-000000000001",
      data: { Id: "bbbbbbbb-0000-0000-0000-000000000001", Description: "Tekstlinje", LineType: "Text", SortOrder: 0 },
    });
    records.push({
      system: "poweroffice",
      entity: "SalesOrder",
      sourceId: "cccccccc-0000-0000-0000-000000000003",
      data: {
        Id: "cccccccc-0000-0000-0000-000000000003",
        CustomerId: 2,
        SalesOrderLines: [{ Id: "dddddddd-0000-0000-0000-000000000004", ProductId: 7, Quantity: 3, SortOrder: 0 }],
      },
    });
    await insertRecords(subgraph.db.knex, records);
  });
  after(async () => subgraph.close());

  test("customers: pages in id order with cursors, totalCount and no deleted records", async () => {
    const query = `query($after: String) { powerofficeCustomers(first: 5, after: $after) {
      totalCount edges { cursor node { id name } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const result: any = await subgraph.query(query, { after });
      assert.equal(result.errors, undefined);
      const connection = result.data.powerofficeCustomers;
      assert.equal(connection.totalCount, 13);
      seen.push(...connection.edges.map((edge: any) => edge.node.id));
      pages += 1;
      assert.equal(connection.pageInfo.hasPreviousPage, after !== null);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"]);
  });

  test("customers: filters by email (case-insensitive), name part, isPerson and includeDeleted", async () => {
    const result: any = await subgraph.query(`{
      byEmail: powerofficeCustomers(filter: { email: "KARI@example.NO" }) { edges { node { id name isPerson firstName } } }
      byName: powerofficeCustomers(filter: { name: "firma 1" }) { totalCount }
      persons: powerofficeCustomers(filter: { isPerson: true }) { totalCount }
      companies: powerofficeCustomers(filter: { isPerson: false }) { totalCount }
      all: powerofficeCustomers(filter: { includeDeleted: true }) { totalCount }
    }`);
    assert.equal(result.errors, undefined);
    assert.deepEqual(result.data.byEmail.edges, [{ node: { id: "13", name: "Kari Nordmann", isPerson: true, firstName: "Kari" } }]);
    assert.equal(result.data.byName.totalCount, 4); // 1, 10, 11, 12
    assert.equal(result.data.persons.totalCount, 1);
    assert.equal(result.data.companies.totalCount, 12);
    assert.equal(result.data.all.totalCount, 14);
  });

  test("a customer's contact persons and orders, an order's lines and their products", async () => {
    const result: any = await subgraph.query(`{ powerofficeCustomer(id: "1") {
      id number lastChangedAt contactPersons { id name customer { id } }
      salesOrders { salesOrderNo totalAmount lines { id description quantity productUnitPrice vatRate product { code unitPrice } } }
    } }`);
    assert.equal(result.errors, undefined);
    assert.deepEqual(result.data.powerofficeCustomer, {
      id: "1",
      number: 10001,
      lastChangedAt: "2026-11-01T10:00:00.000Z",
      contactPersons: [
        { id: "101", name: "P101 Hansen", customer: { id: "1" } },
        { id: "102", name: "P102 Hansen", customer: { id: "1" } },
      ],
      salesOrders: [
        {
          salesOrderNo: 5,
          totalAmount: 3126.25,
          lines: [
            {
              id: "bbbbbbbb-0000-0000-0000-000000000001",
              description: "Tekstlinje",
              quantity: null,
              productUnitPrice: null,
              vatRate: null,
              product: null,
            },
            {
              id: "bbbbbbbb-0000-0000-0000-000000000002",
              description: null,
              quantity: 2,
              productUnitPrice: 1250.5,
              vatRate: 0.25,
              product: { code: "P7", unitPrice: 1250.5 },
            },
          ],
        },
      ],
    });
  });

  test("an order read with its embedded lines (SalesOrderCompleteDto) shows them when no line records exist", async () => {
    const result: any = await subgraph.query(
      `{ powerofficeSalesOrders(filter: { customerId: "2" }) { edges { node { id lines { id salesOrderId quantity product { name } } } } } }`,
    );
    assert.equal(result.errors, undefined);
    assert.deepEqual(result.data.powerofficeSalesOrders.edges, [
      {
        node: {
          id: "cccccccc-0000-0000-0000-000000000003",
          lines: [
            {
              id: "dddddddd-0000-0000-0000-000000000004",
              salesOrderId: "cccccccc-0000-0000-0000-000000000003",
              quantity: 3,
              product: { name: "Konsulenttime" },
            },
          ],
        },
      },
    ]);
  });

  test("every request reports its SQL statement count to deps.observeSql", async () => {
    const seen: Array<{ subgraph: string; operationName: string | null; statements: number }> = [];
    subgraph.deps.observeSql = (event) => seen.push(event);
    try {
      await subgraph.query(`query Two { powerofficeCustomers(first: 2) { totalCount edges { node { id } } } }`);
    } finally {
      delete subgraph.deps.observeSql;
    }
    // a first page counts its rows along with the page (a window count): one statement
    assert.deepEqual(seen, [{ subgraph: "poweroffice", operationName: "Two", statements: 1 }]);
  });

  test("_entities: one SQL statement for every type of representation, however many", async () => {
    const representations = [
      ...[1, 2, 3, 4, 5, 99].map((id) => ({ __typename: "PowerOfficeCustomer", id: String(id) })),
      { __typename: "PowerOfficeContactPerson", id: "101" },
      { __typename: "PowerOfficeContactPerson", id: "103" },
    ];
    const result: any = await subgraph.query(
      `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on PowerOfficeCustomer { id name } ... on PowerOfficeContactPerson { id emailAddress } } }`,
      { r: representations },
    );
    assert.equal(result.errors, undefined);
    assert.equal(result.data._entities.length, 8);
    assert.deepEqual(result.data._entities[0], { __typename: "PowerOfficeCustomer", id: "1", name: "Firma 1 AS" });
    assert.equal(result.data._entities[5], null);
    assert.deepEqual(result.data._entities[7], { __typename: "PowerOfficeContactPerson", id: "103", emailAddress: "p103@firma.no" });
    assert.equal(result.extensions.sqlQueries, 1);
  });

  test("a cursor that is not one gives BAD_USER_INPUT, first over the maximum too", async () => {
    const bad: any = await subgraph.query(`{ powerofficeCustomers(after: "nonsense") { totalCount } }`);
    assert.equal(bad.errors[0].extensions.code, "BAD_USER_INPUT");
    const otherList = Buffer.from(JSON.stringify(["Kari Nordmann", "not-a-uuid"])).toString("base64url");
    const wrongKind: any = await subgraph.query(`query($after: String) { powerofficeCustomers(after: $after) { totalCount } }`, { after: otherList });
    assert.equal(wrongKind.errors[0].extensions.code, "BAD_USER_INPUT");
    const tooMany: any = await subgraph.query(`{ powerofficeCustomers(first: 100000) { totalCount } }`);
    assert.equal(tooMany.errors[0].extensions.code, "BAD_USER_INPUT");
    assert.match(tooMany.errors[0].message, /between 0 and 1000/);
  });
});
