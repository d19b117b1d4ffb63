import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  PowerOfficeApiError,
  PowerOfficeAuthError,
  PowerOfficeConfigError,
  PowerOfficeNetworkError,
  createPowerOfficeClient,
  powerOfficeKeyOf,
  replaceOperations,
  type Customer,
  type PowerOfficeClient,
  type PowerOfficeClientOptions,
  type PowerOfficeResourceName,
} from "./index.js";
import { startPowerOfficeSandbox, type PowerOfficeSandbox } from "./sandbox/index.js";

const FAST_RETRY: PowerOfficeClientOptions = { retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } };

let sandbox: PowerOfficeSandbox;
const clientFor = (options: PowerOfficeClientOptions = {}, overrides = {}): PowerOfficeClient =>
  createPowerOfficeClient(sandbox.config(overrides), { ...FAST_RETRY, ...options });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected the call to fail");
}

async function collect<T>(pages: AsyncIterable<T[]>): Promise<{ records: T[]; pages: number }> {
  const records: T[] = [];
  let count = 0;
  for await (const page of pages) {
    records.push(...page);
    count += 1;
  }
  return { records, pages: count };
}

before(async () => {
  sandbox = await startPowerOfficeSandbox({ seed: 7, size: "demo" });
});

after(async () => {
  await sandbox.close();
});

describe("PowerOffice client: lists", () => {
  const resources: PowerOfficeResourceName[] = ["ContactPersons", "Customers", "Employees", "Departments", "Products", "SalesOrders"];

  for (const resource of resources) {
    test(`${resource}: every record across page boundaries, one call per page`, async () => {
      const client = clientFor();
      const expected = sandbox.store.all(resource).map((r) => r.Id);
      const pageSize = 4;
      const { records, pages } = await collect(client.pages(resource, { pageSize }));
      assert.deepEqual(
        records.map((r) => r.Id),
        expected,
      );
      assert.equal(pages, Math.ceil(expected.length / pageSize));
      const calls = client.stats().byEndpoint[`GET /${resource}`]!;
      const total = Object.values(calls).reduce((a, b) => a + b, 0);
      assert.equal(total, Math.floor(expected.length / pageSize) + 1, "a short last page ends paging; a full one needs one more call");
    });
  }

  test("a last page that is exactly full is followed by one 204", async () => {
    const client = clientFor();
    const count = sandbox.store.counts().Departments;
    const { records } = await collect(client.pages("Departments", { pageSize: count }));
    assert.equal(records.length, count);
    assert.deepEqual(client.stats().byEndpoint["GET /Departments"], { "200": 1, "204": 1 });
  });

  test("pages are fetched lazily: stopping after the first page makes one call", async () => {
    const client = clientFor();
    for await (const page of client.pages("Customers", { pageSize: 2 })) {
      assert.equal(page.length, 2);
      break;
    }
    assert.deepEqual(client.stats().byEndpoint["GET /Customers"], { "200": 1 });
  });

  test("records() flattens pages and filters reach the server", async () => {
    const client = clientFor();
    const parent = sandbox.store.special.sharedPerson.contactPersonParentId;
    const people = [];
    for await (const person of client.records("ContactPersons", { contactIds: [parent] })) people.push(person);
    assert.ok(people.length >= 1);
    assert.ok(people.every((p) => p.ContactId === parent));
  });

  test("an abort signal stops paging", async () => {
    const client = clientFor();
    const controller = new AbortController();
    const seen: number[] = [];
    const error = await rejection(
      (async () => {
        for await (const page of client.pages("Customers", { pageSize: 3, signal: controller.signal })) {
          seen.push(page.length);
          controller.abort();
        }
      })(),
    );
    assert.equal((error as Error).name, "AbortError");
    assert.deepEqual(seen, [3]);
    assert.deepEqual(client.stats().byEndpoint["GET /Customers"], { "200": 1 });
  });

  test("orderBy reaches the server: by LastChanged, and by name descending", async () => {
    const client = clientFor();
    const products = sandbox.store.all("Products");
    sandbox.store.edit("Products", products[0]!.Id as number, { Description: "sist endret" });
    const { records: byChange } = await collect(client.pages("Products", { orderBy: "LastChangedDateTimeOffset", pageSize: 4 }));
    assert.equal(byChange.at(-1)!.Id, products[0]!.Id);
    const stamps = byChange.map((p) => p.LastChangedDateTimeOffset!);
    assert.deepEqual(stamps, [...stamps].sort());
    const { records: byName } = await collect(client.pages("Products", { orderBy: "name desc" }));
    const names = byName.map((p) => p.Name!);
    assert.deepEqual(names, [...names].sort().reverse());
    const error = await rejection(collect(client.pages("Products", { orderBy: "Nope" })));
    assert.ok(error instanceof PowerOfficeApiError && error.status === 400);
  });

  test("a page size outside 1..20000 is refused before any call", async () => {
    const client = clientFor();
    await assert.rejects(collect(client.pages("Products", { pageSize: 20_001 })), RangeError);
    assert.equal(client.stats().totalCalls, 0);
  });
});

describe("PowerOffice client: incremental reads", () => {
  test("changedSince is exclusive and returns only later changes, in microsecond order", async () => {
    const client = clientFor();
    const { records: all } = await collect(client.pages("Employees"));
    const cursor = all
      .map((e) => e.LastChangedDateTimeOffset!)
      .sort()
      .at(-1)!;
    assert.equal((await collect(client.pages("Employees", { changedSince: cursor }))).records.length, 0);

    const [first, second] = all;
    // Two GUI edits back to back, usually within one millisecond: both must be seen, in order, with distinct stamps.
    sandbox.store.edit("Employees", first!.Id!, { JobTitle: "Controller" });
    sandbox.store.edit("Employees", second!.Id!, { JobTitle: "Revisor" });
    const { records: changed } = await collect(client.pages("Employees", { changedSince: cursor }));
    assert.deepEqual(changed.map((e) => e.Id).sort(), [first!.Id, second!.Id].sort());
    const stamps = changed.map((e) => e.LastChangedDateTimeOffset!);
    assert.notEqual(stamps[0], stamps[1]);
    assert.ok(stamps.every((s) => s > cursor));

    const newest = stamps.sort().at(-1)!;
    assert.equal((await collect(client.pages("Employees", { changedSince: newest }))).records.length, 0);
  });
});

describe("PowerOffice client: create, get, patch, delete", () => {
  test("Departments", async () => {
    const client = clientFor();
    const created = await client.create("Departments", { Name: "Innovasjon", Code: "950", IsActive: true });
    assert.equal(created.Name, "Innovasjon");
    assert.equal(typeof created.Id, "number");
    const patched = await client.patch("Departments", created.Id!, [{ op: "replace", path: "/Name", value: "Innovasjon og utvikling" }]);
    assert.equal(patched.Name, "Innovasjon og utvikling");
    assert.ok(patched.LastChangedDateTimeOffset! > created.LastChangedDateTimeOffset!);
    assert.equal((await client.get("Departments", created.Id!)).Name, "Innovasjon og utvikling");
    await client.delete("Departments", created.Id!);
    const error = await rejection(client.get("Departments", created.Id!));
    assert.ok(error instanceof PowerOfficeApiError);
    assert.equal(error.status, 404);
    assert.equal(error.endpoint, "GET /Departments/{id}");
    assert.equal(error.retryable, false);
  });

  test("Products", async () => {
    const client = clientFor();
    const created = await client.create("Products", { Name: "Konsulenttime, senior", Code: "SEN-1", UnitPrice: 1650, StandardSalesAccount: 3000 });
    assert.equal(created.UnitPrice, 1650);
    assert.equal(created.StandardSalesAccount, 3000);
    const patched = await client.patch(
      "Products",
      created.Id!,
      replaceOperations<typeof created, "UnitPrice" | "Description">({ UnitPrice: 1700, Description: "Fra 2026" }),
    );
    assert.equal(patched.UnitPrice, 1700);
    assert.equal(patched.Description, "Fra 2026");
    await client.delete("Products", created.Id!);
    assert.equal(sandbox.store.get("Products", created.Id!), undefined);
  });

  test("Customers, found again by ExternalImportReference", async () => {
    const client = clientFor();
    const created = await client.create("Customers", {
      Name: "Ny Kunde AS",
      EmailAddress: "post@nykunde.no",
      ExternalImportReference: "cb-cust-1001",
      MailAddress: { AddressLine1: "Storgata 1", City: "Oslo", ZipCode: "0150" },
    });
    assert.equal(created.IsPerson, false);
    assert.equal(created.MailAddress?.City, "Oslo");
    assert.deepEqual(
      (await client.findCustomersByExternalImportReference("cb-cust-1001")).map((c) => c.Id),
      [created.Id],
    );
    const patched = await client.patch("Customers", created.Id!, [
      { op: "replace", path: "/EmailAddress", value: "faktura@nykunde.no" },
      { op: "replace", path: "/MailAddress/City", value: "Bergen" },
    ]);
    assert.equal(patched.EmailAddress, "faktura@nykunde.no");
    assert.equal(patched.MailAddress?.City, "Bergen");
    await client.delete("Customers", created.Id!);
    assert.deepEqual(await client.findCustomersByExternalImportReference("cb-cust-1001"), []);
  });

  test("Employees, found again by ExternalImportReference", async () => {
    const client = clientFor();
    const created = await client.create("Employees", {
      FirstName: "Siri",
      LastName: "Vik",
      EmailAddress: "siri.vik@example.no",
      ExternalImportReference: "cb-emp-7",
    });
    assert.deepEqual(
      (await client.findEmployeesByExternalImportReference("cb-emp-7")).map((e) => e.Id),
      [created.Id],
    );
    const patched = await client.patch("Employees", created.Id!, [{ op: "replace", path: "/LastName", value: "Vik-Hansen" }]);
    assert.equal(patched.LastName, "Vik-Hansen");
    await client.delete("Employees", created.Id!);
    assert.deepEqual(await client.findEmployeesByExternalImportReference("cb-emp-7"), []);
  });

  test("ContactPersons under their contact, found again by ExternalCode", async () => {
    const client = clientFor();
    const parent = sandbox.store.special.companyWithoutOrders;
    const created = await client.create(
      "ContactPersons",
      { FirstName: "Mona", LastName: "Lie", EmailAddress: "mona.lie@example.no", ExternalCode: "cb-cp-55" },
      parent,
    );
    assert.equal(created.ContactId, parent);
    const key = powerOfficeKeyOf("ContactPersons", created);
    assert.deepEqual(key, { contactId: parent, id: created.Id });
    assert.equal((await client.get("ContactPersons", key)).FirstName, "Mona");
    assert.deepEqual(
      (await client.findContactPersonsByExternalCode("cb-cp-55", parent)).map((p) => p.Id),
      [created.Id],
    );
    const patched = await client.patch("ContactPersons", key, [{ op: "replace", path: "/Title", value: "Daglig leder" }]);
    assert.equal(patched.Title, "Daglig leder");
    const wrongParent = await rejection(client.get("ContactPersons", { contactId: parent + 1000, id: created.Id! }));
    assert.ok(wrongParent instanceof PowerOfficeApiError && wrongParent.status === 404);
    await client.delete("ContactPersons", key);
    assert.deepEqual(await client.findContactPersonsByExternalCode("cb-cp-55"), []);
  });

  test("SalesOrders with their lines (POST /SalesOrders/Complete)", async () => {
    const client = clientFor();
    const customer = sandbox.store.special.companyWithOrders;
    const products = sandbox.store.all("Products");
    const order = await client.create("SalesOrders", {
      CustomerId: customer,
      ExternalImportReference: "cb-inv-2001",
      SalesOrderLines: [
        { ProductId: products[0]!.Id as number, Quantity: 2 },
        { ProductId: products[6]!.Id as number, Quantity: 1, ProductUnitPrice: 200 },
      ],
    });
    assert.match(order.Id!, /^[0-9a-f-]{36}$/);
    assert.equal(order.SalesOrderLines?.length, 2);
    assert.deepEqual(
      order.SalesOrderLines!.map((l) => l.VatRate),
      [0.25, 0.15],
    );
    const complete = await client.getSalesOrderComplete(order.Id!);
    assert.equal(complete.LineCount, 2);
    assert.equal(complete.TotalAmount, order.TotalAmount);

    const header = await client.patch("SalesOrders", order.Id!, [{ op: "replace", path: "/PurchaseOrderReference", value: "PO-77" }]);
    assert.equal(header.PurchaseOrderReference, "PO-77");
    assert.deepEqual(
      (await client.findSalesOrdersByExternalImportReference("cb-inv-2001")).map((o) => o.Id),
      [order.Id],
    );
    assert.equal((await client.get("SalesOrders", order.Id!)).LineCount, 2);
    await client.delete("SalesOrders", order.Id!);
    assert.deepEqual(await client.findSalesOrdersByExternalImportReference("cb-inv-2001"), []);
  });
});

describe("PowerOffice client: errors", () => {
  test("a validation error is a typed 400 with the ProblemDetails, never retried", async () => {
    const client = clientFor();
    const error = await rejection(client.create("Customers", { Name: "Uten Epost AS" }));
    assert.ok(error instanceof PowerOfficeApiError);
    assert.equal(error.status, 400);
    assert.equal(error.title, "Customer validation error(s)");
    assert.match(error.detail, /e-mail address .* unless InvoiceDeliveryType is Print/);
    assert.equal(error.endpoint, "POST /Customers");
    assert.equal(error.retryable, false);
    assert.deepEqual(client.stats().byEndpoint["POST /Customers"], { "400": 1 });
  });

  test("a contact person without FirstName is refused", async () => {
    const client = clientFor();
    const error = await rejection(client.create("ContactPersons", { FirstName: null, LastName: "Lie" }, sandbox.store.special.companyWithOrders));
    assert.ok(error instanceof PowerOfficeApiError && error.status === 400);
    assert.match(error.detail, /FirstName/);
  });

  test("deleting a record in use is a 409", async () => {
    const client = clientFor();
    const error = await rejection(client.delete("Customers", sandbox.store.special.companyWithOrders));
    assert.ok(error instanceof PowerOfficeApiError);
    assert.equal(error.status, 409);
    assert.equal(error.retryable, false);
    assert.ok(sandbox.store.get("Customers", sandbox.store.special.companyWithOrders));
  });

  test("wrong keys: an auth error with the OAuth code, not retried", async () => {
    const client = clientFor({}, { clientKey: "not-the-client-key" });
    const error = await rejection(client.get("Customers", sandbox.store.special.companyWithOrders));
    assert.ok(error instanceof PowerOfficeAuthError);
    assert.equal(error.oauthError, "invalid_client");
    assert.equal(error.status, 400);
    assert.deepEqual(client.stats().byEndpoint, { "POST /OAuth/Token": { "400": 1 } });
  });

  test("a missing privilege is a 403 auth error", async () => {
    sandbox.denyPrivileges(["Employees"]);
    try {
      const client = clientFor();
      const error = await rejection(collect(client.pages("Employees")));
      assert.ok(error instanceof PowerOfficeAuthError);
      assert.equal(error.status, 403);
      assert.equal(client.stats().byEndpoint["GET /Employees"]!["403"], 1);
    } finally {
      sandbox.denyPrivileges([]);
    }
  });

  test("sandbox mode without keys uses the published demo keys; remote mode without keys is a config error", async () => {
    const client = clientFor({}, { applicationKey: undefined, clientKey: undefined, subscriptionKey: undefined });
    assert.ok((await client.get("Departments", sandbox.store.all("Departments")[0]!.Id as number)).Name);
    assert.throws(() => createPowerOfficeClient(sandbox.config({ mode: "remote", applicationKey: undefined })), PowerOfficeConfigError);
  });
});

describe("PowerOffice client: tokens", () => {
  test("concurrent first calls share one token request", async () => {
    const client = clientFor();
    const ids = sandbox.store
      .all("Products")
      .slice(0, 8)
      .map((p) => p.Id as number);
    await Promise.all(ids.map((id) => client.get("Products", id)));
    assert.deepEqual(client.stats().byEndpoint["POST /OAuth/Token"], { "200": 1 });
  });

  test("a 401 renews the token once and the call succeeds", async () => {
    const client = clientFor();
    const id = sandbox.store.all("Products")[0]!.Id as number;
    await client.get("Products", id);
    sandbox.revokeTokens();
    await client.get("Products", id);
    const stats = client.stats();
    assert.deepEqual(stats.byEndpoint["GET /Products/{id}"], { "200": 2, "401": 1 });
    assert.deepEqual(stats.byEndpoint["POST /OAuth/Token"], { "200": 2 });
  });

  test("a second 401 in a row is an auth error (no loop)", async () => {
    const client = clientFor({
      fetch: (url, init) => {
        const headers = { ...(init.headers as Record<string, string>) };
        if (headers.Authorization?.startsWith("Bearer")) headers.Authorization = "Bearer forged";
        return fetch(url, { ...init, headers });
      },
    });
    const error = await rejection(client.get("Products", sandbox.store.all("Products")[0]!.Id as number));
    assert.ok(error instanceof PowerOfficeAuthError);
    assert.equal(error.status, 401);
    assert.deepEqual(client.stats().byEndpoint["GET /Products/{id}"], { "401": 2 });
    assert.deepEqual(client.stats().byEndpoint["POST /OAuth/Token"], { "200": 2 });
  });

  test("the token is renewed before it expires, without a 401", async () => {
    const shortLived = await startPowerOfficeSandbox({ seed: 7, tokenLifetimeSeconds: 2 });
    try {
      // A renewal margin as long as the lifetime makes every call renew first.
      const client = createPowerOfficeClient(shortLived.config(), { tokenRenewalMarginSeconds: 2 });
      const id = shortLived.store.all("Departments")[0]!.Id as number;
      for (let i = 0; i < 3; i += 1) await client.get("Departments", id);
      const stats = client.stats();
      assert.deepEqual(stats.byEndpoint["POST /OAuth/Token"], { "200": 3 });
      assert.deepEqual(stats.byEndpoint["GET /Departments/{id}"], { "200": 3 });
    } finally {
      await shortLived.close();
    }
  });
});

describe("PowerOffice client: retries under injected faults", () => {
  test("5xx is retried until it passes, with a bounded number of calls", async () => {
    const client = clientFor();
    sandbox.faults.inject({ kind: "status", status: 503, count: 2, method: "GET", pathIncludes: "/v2/Departments" });
    const { records } = await collect(client.pages("Departments"));
    assert.equal(records.length, sandbox.store.counts().Departments);
    assert.deepEqual(client.stats().byEndpoint["GET /Departments"], { "503": 2, "200": 1 });
    assert.equal(client.stats().retries, 2);
  });

  test("a fault in the middle of paging is retried; no page is lost or read twice", async () => {
    const client = clientFor();
    const ids: number[] = [];
    let pageNumber = 0;
    for await (const page of client.pages("Customers", { pageSize: 5 })) {
      pageNumber += 1;
      ids.push(...page.map((c) => c.Id!));
      if (pageNumber === 1) sandbox.faults.inject({ kind: "drop", count: 1, pathIncludes: "/v2/Customers" });
      if (pageNumber === 2) sandbox.faults.inject({ kind: "status", status: 502, count: 1, pathIncludes: "/v2/Customers" });
    }
    assert.deepEqual(
      ids,
      sandbox.store.all("Customers").map((c) => c.Id),
    );
    const pages = Math.floor(ids.length / 5) + 1;
    assert.deepEqual(
      client.stats().byEndpoint["GET /Customers"],
      ids.length % 5 === 0 ? { "200": pages - 1, "204": 1, network: 1, "502": 1 } : { "200": pages, network: 1, "502": 1 },
    );
  });

  test("a fault that does not clear gives up after maxAttempts with a retryable error", async () => {
    const client = clientFor();
    const rule = sandbox.faults.inject({ kind: "status", status: 500, pathIncludes: "/v2/Products" });
    try {
      const error = await rejection(collect(client.pages("Products")));
      assert.ok(error instanceof PowerOfficeApiError);
      assert.equal(error.status, 500);
      assert.equal(error.retryable, true);
      assert.equal(error.attempts, 3);
      assert.deepEqual(client.stats().byEndpoint["GET /Products"], { "500": 3 });
    } finally {
      sandbox.faults.remove(rule);
    }
  });

  test("a 429 burst is waited out (Retry-After) and retried", async () => {
    const client = clientFor();
    sandbox.faults.inject({ kind: "rateLimit", count: 1, retryAfterSeconds: 1, pathIncludes: "/v2/Employees" });
    const { records } = await collect(client.pages("Employees"));
    assert.equal(records.length, sandbox.store.counts().Employees);
    assert.deepEqual(client.stats().byEndpoint["GET /Employees"], { "429": 1, "200": 1 });
  });

  test("a hung request times out and is retried", async () => {
    const client = clientFor({ requestTimeoutMs: 300 });
    sandbox.faults.inject({ kind: "timeout", count: 1, pathIncludes: "/v2/Departments" });
    const { records } = await collect(client.pages("Departments"));
    assert.equal(records.length, sandbox.store.counts().Departments);
    assert.deepEqual(client.stats().byEndpoint["GET /Departments"], { timeout: 1, "200": 1 });
  });

  test("a dropped connection is retried", async () => {
    const client = clientFor();
    sandbox.faults.inject({ kind: "drop", count: 1, pathIncludes: "/v2/Departments" });
    const { records } = await collect(client.pages("Departments"));
    assert.equal(records.length, sandbox.store.counts().Departments);
    assert.deepEqual(client.stats().byEndpoint["GET /Departments"], { network: 1, "200": 1 });
  });

  test("a create is not repeated after a 5xx (it may have happened), but is after a 429", async () => {
    const client = clientFor();
    sandbox.faults.inject({ kind: "status", status: 503, count: 1, method: "POST", pathIncludes: "/v2/Departments" });
    const error = await rejection(client.create("Departments", { Name: "Prøve", IsActive: true }));
    assert.ok(error instanceof PowerOfficeApiError && error.status === 503 && error.retryable);
    assert.deepEqual(client.stats().byEndpoint["POST /Departments"], { "503": 1 });

    sandbox.faults.inject({ kind: "rateLimit", count: 1, retryAfterSeconds: 0, method: "POST", pathIncludes: "/v2/Departments" });
    const created = await client.create("Departments", { Name: "Prøve", Code: "960", IsActive: true });
    assert.equal(created.Name, "Prøve");
    assert.deepEqual(client.stats().byEndpoint["POST /Departments"], { "503": 1, "429": 1, "201": 1 });
    await client.delete("Departments", created.Id!);
  });

  test("a network failure without retries ends in a PowerOfficeNetworkError", async () => {
    const client = createPowerOfficeClient(sandbox.config({ apiBaseUrl: "http://127.0.0.1:9/v2" }), {
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    });
    const error = await rejection(client.get("Customers", 1));
    assert.ok(error instanceof PowerOfficeNetworkError);
    assert.equal(error.kind, "network");
    assert.equal(error.attempts, 2);
  });
});

describe("PowerOffice client: rate budget and stats", () => {
  test("the client-side budget keeps the client under the server's limit", async () => {
    sandbox.setRequestsPerSecond(5);
    try {
      const client = clientFor({ requestsPerSecond: 5 });
      const ids = sandbox.store
        .all("Products")
        .slice(0, 8)
        .map((p) => p.Id as number);
      await Promise.all(ids.map((id) => client.get("Products", id)));
      const stats = client.stats();
      assert.deepEqual(stats.byEndpoint["GET /Products/{id}"], { "200": 8 });
      assert.equal(stats.byEndpoint["POST /OAuth/Token"]!["429"], undefined);
      assert.ok(stats.throttledMs > 0);
    } finally {
      sandbox.setRequestsPerSecond(0);
    }
  });

  test("resetStats starts the counts again", async () => {
    const client = clientFor();
    await collect(client.pages("Departments"));
    assert.ok(client.stats().totalCalls >= 2);
    client.resetStats();
    assert.deepEqual(client.stats(), { totalCalls: 0, byEndpoint: {}, retries: 0, throttledMs: 0 });
  });

  test("typed JSON Patch helpers build replace operations", () => {
    const ops = replaceOperations<Customer, "EmailAddress" | "Name">({ EmailAddress: "a@b.no", Name: undefined });
    assert.deepEqual(ops, [{ op: "replace", path: "/EmailAddress", value: "a@b.no" }]);
  });
});
