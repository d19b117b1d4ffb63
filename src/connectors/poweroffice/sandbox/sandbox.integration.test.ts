import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SANDBOX_SPECIAL_RECORDS, startPowerOfficeSandbox, type PowerOfficeSandbox } from "./index.js";

let sandbox: PowerOfficeSandbox;
let token: string;

async function getToken(target: PowerOfficeSandbox): Promise<string> {
  const response = await fetch(target.tokenUrl, {
    method: "POST",
    headers: {
      Authorization: `Basic ${Buffer.from(`${target.keys.applicationKey}:${target.keys.clientKey}`).toString("base64")}`,
      "Ocp-Apim-Subscription-Key": target.keys.subscriptionKey,
      "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
    },
    body: "grant_type=client_credentials",
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { access_token: string }).access_token;
}

interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  // Assertions below read arbitrary response fields; the contract test checks the shapes against the spec.
  json: any;
}

async function api(
  path: string,
  init: {
    method?: string;
    body?: unknown;
    contentType?: string;
    headers?: Record<string, string>;
    target?: PowerOfficeSandbox;
    bearer?: string;
  } = {},
): Promise<CallResult> {
  const target = init.target ?? sandbox;
  const headers: Record<string, string> = {
    Authorization: `Bearer ${init.bearer ?? token}`,
    "Ocp-Apim-Subscription-Key": target.keys.subscriptionKey,
    ...init.headers,
  };
  if (init.body !== undefined)
    headers["Content-Type"] = init.contentType ?? (init.method === "PATCH" ? "application/json-patch+json" : "application/json");
  const response = await fetch(`${target.apiBaseUrl}${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : undefined };
}

before(async () => {
  sandbox = await startPowerOfficeSandbox({ seed: 3 });
  token = await getToken(sandbox);
});

after(async () => {
  await sandbox.close();
});

describe("sandbox: gateway and auth", () => {
  test("a missing or wrong subscription key is a 401 with the gateway's message", async () => {
    const missing = await fetch(`${sandbox.apiBaseUrl}/Customers`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(missing.status, 401);
    assert.match(((await missing.json()) as { message: string }).message, /missing subscription key/);
    const wrong = await api("/Customers", { headers: { "Ocp-Apim-Subscription-Key": "0000" } });
    assert.equal(wrong.status, 401);
    assert.match(wrong.json.message, /invalid subscription key/);
  });

  test("an unknown or revoked bearer token is a 401", async () => {
    assert.equal((await api("/Customers", { bearer: "made-up" })).status, 401);
    const other = await startPowerOfficeSandbox({ seed: 3 });
    try {
      const otherToken = await getToken(other);
      assert.equal((await api("/Departments", { target: other, bearer: otherToken })).status, 200);
      other.revokeTokens();
      const revoked = await api("/Departments", { target: other, bearer: otherToken });
      assert.equal(revoked.status, 401);
      assert.match(revoked.headers.get("www-authenticate") ?? "", /invalid_token/);
    } finally {
      await other.close();
    }
  });

  test("the token endpoint refuses a wrong grant type and a missing Basic header", async () => {
    const noBasic = await fetch(sandbox.tokenUrl, {
      method: "POST",
      headers: { "Ocp-Apim-Subscription-Key": sandbox.keys.subscriptionKey },
      body: "grant_type=client_credentials",
    });
    assert.equal(noBasic.status, 400);
    assert.equal(((await noBasic.json()) as { error: string }).error, "invalid_request");
    const grant = await fetch(sandbox.tokenUrl, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${sandbox.keys.applicationKey}:${sandbox.keys.clientKey}`).toString("base64")}`,
        "Ocp-Apim-Subscription-Key": sandbox.keys.subscriptionKey,
      },
      body: "grant_type=password",
    });
    assert.equal(((await grant.json()) as { error: string }).error, "unsupported_grant_type");
  });

  test("beyond requestsPerSecond the gateway answers 429 with Retry-After", async () => {
    const limited = await startPowerOfficeSandbox({ seed: 3, requestsPerSecond: 3 });
    try {
      const limitedToken = await getToken(limited); // 1 of 3
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await api("/Departments", { target: limited, bearer: limitedToken })).status);
      assert.deepEqual(statuses, [200, 200, 429, 429]);
      const last = limited.requestLog.entries().at(-1)!;
      assert.equal(last.status, 429);
      assert.equal(last.fault, "limit");
      const response = await api("/Departments", { target: limited, bearer: limitedToken });
      assert.equal(response.headers.get("retry-after"), "1");
      assert.match(response.json.message, /Try again in 1 seconds/);
    } finally {
      await limited.close();
    }
  });

  test("a resource without the privilege is a 403 ProblemDetails", async () => {
    sandbox.denyPrivileges(["Products"]);
    try {
      const response = await api("/Products");
      assert.equal(response.status, 403);
      assert.equal(response.json.status, 403);
    } finally {
      sandbox.denyPrivileges([]);
    }
  });
});

describe("sandbox: reading", () => {
  test("paging is 1-based, 204 past the end, and PageSize is capped at 20000", async () => {
    const all = (await api("/Customers?PageSize=20000")).json as { Id: number }[];
    assert.equal(all.length, sandbox.store.counts().Customers);
    const first = await api("/Customers?PageNumber=1&PageSize=5");
    const second = await api("/Customers?pagenumber=2&pagesize=5");
    assert.deepEqual(
      [...first.json, ...second.json].map((c: { Id: number }) => c.Id),
      all.slice(0, 10).map((c) => c.Id),
    );
    const past = await api(`/Customers?PageNumber=${all.length + 1}&PageSize=1`);
    assert.equal(past.status, 204);
    assert.equal(past.text, "");
    const tooBig = await api("/Customers?PageSize=20001");
    assert.equal(tooBig.status, 400);
    assert.match(tooBig.json.detail, /MaxPageSize/);
    assert.equal((await api("/Customers?PageNumber=0")).status, 400);
  });

  test("lastChangedDateTimeOffsetGreaterThan is exclusive to the microsecond", async () => {
    const product = sandbox.store.all("Products")[2]!;
    const stamp = product.LastChangedDateTimeOffset as string;
    const micros = stamp.replace(/(\d{6})0Z$/, (_, digits: string) => `${String(Number(digits) - 1).padStart(6, "0")}0Z`);
    const ids = async (after: string) =>
      ((await api(`/Products?lastChangedDateTimeOffsetGreaterThan=${encodeURIComponent(after)}`)).json ?? []).map((p: { Id: number }) => p.Id);
    assert.ok(!(await ids(stamp)).includes(product.Id), "a record stamped exactly at the cursor is not returned");
    assert.ok((await ids(micros)).includes(product.Id), "one microsecond earlier, it is");
    const bad = await api("/Products?lastChangedDateTimeOffsetGreaterThan=yesterday");
    assert.equal(bad.status, 400);
  });

  test("every write gets a distinct, increasing LastChangedDateTimeOffset", async () => {
    const id = sandbox.store.all("Departments")[0]!.Id as number;
    const stamps: string[] = [];
    for (let i = 0; i < 20; i += 1)
      stamps.push(sandbox.store.edit("Departments", id, { Name: `Administrasjon ${i}` }).LastChangedDateTimeOffset as string);
    for (let i = 1; i < stamps.length; i += 1) assert.ok(stamps[i]! > stamps[i - 1]!, `${stamps[i]} after ${stamps[i - 1]}`);
    assert.match(stamps[0]!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
  });

  test("filters: externalImportReference, customerNos ranges, contactIds, externalCodes, onlyCreatedByCurrentIntegration", async () => {
    const customers = sandbox.store.all("Customers");
    const numbers = customers.map((c) => c.Number as number).sort((a, b) => a - b);
    const ranged = (await api(`/Customers?customerNos=${numbers[0]}-${numbers[2]},${numbers[5]}`)).json
      .map((c: { Number: number }) => c.Number)
      .sort();
    assert.deepEqual(ranged, [numbers[0], numbers[1], numbers[2], numbers[5]].sort());
    sandbox.store.edit("Customers", customers[1]!.Id as number, { ExternalImportReference: "cb-42" });
    assert.deepEqual(
      (await api("/Customers?externalImportReference=cb-42")).json.map((c: { Id: number }) => c.Id),
      [customers[1]!.Id],
    );
    const parent = SANDBOX_SPECIAL_RECORDS.sharedPerson.contactPersonParentId;
    const persons = (await api(`/ContactPersons?contactIds=${parent}`)).json as { ContactId: number }[];
    assert.ok(persons.length > 0 && persons.every((p) => p.ContactId === parent));
    assert.equal((await api("/SalesOrders?onlyCreatedByCurrentIntegration=true")).status, 204, "seeded orders were not created by this integration");
  });

  test("ids: int64 for contacts, UUIDs for sales orders and lines; a malformed id is a 400", async () => {
    const order = (await api(`/SalesOrders/${sandbox.store.special.salesOrderId}/Complete`)).json;
    assert.match(order.Id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(order.SalesOrderLines.every((l: { Id: string; SalesOrderId: string }) => /^[0-9a-f-]{36}$/.test(l.Id) && l.SalesOrderId === order.Id));
    assert.equal((await api("/SalesOrders/12345")).status, 400);
    assert.equal((await api("/Customers/not-a-number")).status, 400);
    assert.equal((await api("/Customers/%E0%A4%A")).status, 400, "bad percent-encoding is the caller's error, not a 500");
    assert.ok(Number.isInteger((await api(`/Customers/${SANDBOX_SPECIAL_RECORDS.companyWithOrders}`)).json.Id));
  });
});

describe("sandbox: writing", () => {
  test("PATCH needs application/json-patch+json and touches only patchable fields", async () => {
    const id = SANDBOX_SPECIAL_RECORDS.companyWithoutOrders;
    const wrongType = await api(`/Customers/${id}`, {
      method: "PATCH",
      body: [{ op: "replace", path: "/Name", value: "X" }],
      contentType: "application/json",
    });
    assert.equal(wrongType.status, 415);
    const readOnly = await api(`/Customers/${id}`, {
      method: "PATCH",
      body: [{ op: "replace", path: "/CustomerCreatedDateTimeOffset", value: "2020-01-01T00:00:00Z" }],
    });
    assert.equal(readOnly.status, 400);
    assert.match(readOnly.json.detail, /can not be changed with PATCH/);
    const notAnArray = await api(`/Customers/${id}`, { method: "PATCH", body: { Name: "X" } });
    assert.equal(notAnArray.status, 400);
    const ok = await api(`/Customers/${id}`, { method: "PATCH", body: [{ op: "replace", path: "/websiteUrl", value: "www.turbuss.no" }] });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.WebsiteUrl, "www.turbuss.no", "paths are case-insensitive; the record keeps PascalCase");
  });

  test("validation errors are ProblemDetails: names, e-mail typos, delivery, duplicates, wrong types", async () => {
    const cases: [string, unknown, RegExp][] = [
      [`/ContactPersons/${SANDBOX_SPECIAL_RECORDS.companyWithOrders}`, { LastName: "Uten" }, /FirstName/],
      [
        `/ContactPersons/${SANDBOX_SPECIAL_RECORDS.companyWithOrders}`,
        { FirstName: "A", LastName: "B", EmailAddress: "a@@b.no" },
        /not a valid e-mail/,
      ],
      ["/Customers", { Name: "Uten Epost AS" }, /unless InvoiceDeliveryType is Print/],
      ["/Customers", { IsPerson: true, FirstName: "Kun Fornavn", EmailAddress: "a@b.no" }, /FirstName and LastName/],
      ["/Customers", { Name: "Uten By AS", EmailAddress: "a@b.no", MailAddress: { AddressLine1: "Gate 1" } }, /City|ZipCode/],
      ["/Customers", { Name: "Feil Type AS", EmailAddress: "a@b.no", Allowance: "mye" }, /Allowance must be number/],
      ["/Employees", { FirstName: "A" }, /LastName/],
      ["/Departments", { Code: "100", Name: "Dobbel" }, /Code is already in use/],
      ["/SalesOrders/Complete", { CustomerId: 1 }, /Customer with id = 1 not found/],
      [
        "/SalesOrders/Complete",
        { CustomerId: SANDBOX_SPECIAL_RECORDS.companyWithOrders, SalesOrderLines: [{ ProductId: sandbox.store.all("Products")[0]!.Id }] },
        /Quantity is required/,
      ],
    ];
    for (const [path, body, detail] of cases) {
      const response = await api(path, { method: "POST", body });
      assert.equal(response.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.match(response.headers.get("content-type") ?? "", /application\/problem\+json/);
      assert.match(response.json.title, /validation error/);
      assert.match(response.json.detail, detail);
    }
    const before = await api(`/Customers?PageSize=20000`);
    assert.ok(!before.json.some((c: { Name: string }) => c.Name === "Uten Epost AS"), "a refused create stores nothing");
  });

  test("a duplicate ExternalImportReference is refused with the id that holds it", async () => {
    const first = await api("/Customers", {
      method: "POST",
      body: { Name: "Ref En AS", EmailAddress: "en@ref.no", ExternalImportReference: "ABC123" },
    });
    assert.equal(first.status, 201);
    const second = await api("/Customers", {
      method: "POST",
      body: { Name: "Ref To AS", EmailAddress: "to@ref.no", ExternalImportReference: "ABC123" },
    });
    assert.equal(second.status, 400);
    assert.equal(second.json.detail, `ExternalImportReference is already in use. 'ABC123' is used on (contact) Id = ${first.json.Id}.`);
  });

  test("records in use cannot be deleted (409); unused ones can (200, empty body)", async () => {
    const usedProduct = sandbox.store.get("SalesOrders", sandbox.store.special.salesOrderId)!.SalesOrderLines as { ProductId: number }[];
    assert.equal((await api(`/Products/${usedProduct[0]!.ProductId}`, { method: "DELETE" })).status, 409);
    assert.equal((await api(`/Customers/${SANDBOX_SPECIAL_RECORDS.companyWithOrders}`, { method: "DELETE" })).status, 409);
    const cp = SANDBOX_SPECIAL_RECORDS.sharedPerson;
    assert.equal(
      (await api(`/ContactPersons/${cp.contactPersonParentId}/${cp.contactPersonId}`, { method: "DELETE" })).status,
      409,
      "the reference contact person of an order",
    );
    const employee = await api(`/Employees/${SANDBOX_SPECIAL_RECORDS.sharedPerson.employeeId}`, { method: "DELETE" });
    assert.equal(employee.status, 409);
    assert.match(employee.json.detail, /in use/);

    const fresh = await api("/Products", { method: "POST", body: { Name: "Slettes" } });
    assert.equal(fresh.status, 200, "the March 2025 spec documents 200 for POST /Products");
    const deleted = await api(`/Products/${fresh.json.Id}`, { method: "DELETE" });
    assert.equal(deleted.status, 200);
    assert.equal(deleted.text, "");
    assert.equal((await api(`/Products/${fresh.json.Id}`)).status, 404);
  });

  test("contact persons only under company customers", async () => {
    const onPerson = await api(`/ContactPersons/${SANDBOX_SPECIAL_RECORDS.sharedPerson.personCustomerId}`, {
      method: "POST",
      body: { FirstName: "A", LastName: "B" },
    });
    assert.equal(onPerson.status, 400);
    assert.match(onPerson.json.detail, /is a person/);
    assert.equal((await api("/ContactPersons/1", { method: "POST", body: { FirstName: "A", LastName: "B" } })).status, 404);
  });

  test("lines: VAT comes from the product's sales account, amounts follow, and the order's LastChanged moves", async () => {
    const products = sandbox.store.all("Products");
    const byAccount = (account: number) => products.find((p) => p.StandardSalesAccount === account)!.Id;
    const order = (
      await api("/SalesOrders/Complete", {
        method: "POST",
        body: {
          CustomerNo: sandbox.store.get("Customers", SANDBOX_SPECIAL_RECORDS.companyWithOrders)!.Number,
          SalesOrderLines: [{ ProductId: byAccount(3000), Quantity: 2, ProductUnitPrice: 100, Allowance: 10 }],
        },
      })
    ).json;
    assert.equal(order.CustomerId, SANDBOX_SPECIAL_RECORDS.companyWithOrders);
    assert.equal(order.IsCreatedByCurrentIntegration, true);
    const [line] = order.SalesOrderLines;
    assert.deepEqual([line.VatRate, line.NetAmount, line.VatAmount, line.TotalAmount], [0.25, 180, 45, 225]);
    const food = await api(`/SalesOrders/${order.Id}/Lines`, {
      method: "POST",
      body: { ProductId: byAccount(3030), Quantity: 1, ProductUnitPrice: 100 },
    });
    assert.equal(food.json.VatRate, 0.15);
    const exempt = await api(`/SalesOrders/${order.Id}/Lines`, {
      method: "POST",
      body: { ProductId: byAccount(3000), Quantity: 1, ProductUnitPrice: 100, UseStandardSalesAccount: false },
    });
    assert.equal(exempt.json.VatRate, 0, "the optional (VAT-free) sales account");
    const after = (await api(`/SalesOrders/${order.Id}`)).json;
    assert.equal(after.LineCount, 3);
    assert.equal(after.TotalAmount, 225 + 115 + 100);
    assert.ok(after.LastChangedDateTimeOffset > order.LastChangedDateTimeOffset);
    assert.equal((await api("/SalesOrders?onlyCreatedByCurrentIntegration=true")).json.length, 1);

    // A confirmed order is locked until it is set back to Draft.
    await api(`/SalesOrders/${order.Id}`, { method: "PATCH", body: [{ op: "replace", path: "/SalesOrderStatus", value: "Confirmed" }] });
    assert.equal(
      (await api(`/SalesOrders/${order.Id}`, { method: "PATCH", body: [{ op: "replace", path: "/ContractNo", value: "K-1" }] })).status,
      400,
    );
    assert.equal((await api(`/SalesOrders/${order.Id}`, { method: "DELETE" })).status, 409);
  });

  test("a GUI edit of a customer keeps the CustomerNo/CustomerReference mirrored on its orders", async () => {
    const cp = SANDBOX_SPECIAL_RECORDS.sharedPerson;
    sandbox.store.edit("ContactPersons", cp.contactPersonId, { LastName: "Nordmann-Berg" });
    const order = sandbox.store.get("SalesOrders", sandbox.store.special.salesOrderId)!;
    assert.equal(order.CustomerReference, "Kari Nordmann-Berg");
  });
});

describe("sandbox: data and admin surface", () => {
  test("the demo data holds the documented special records", () => {
    const special = sandbox.store.special;
    const person = sandbox.store.get("ContactPersons", special.sharedPerson.contactPersonId)!;
    const employee = sandbox.store.get("Employees", special.sharedPerson.employeeId)!;
    const customer = sandbox.store.get("Customers", special.sharedPerson.personCustomerId)!;
    const emails = [person.EmailAddress, employee.EmailAddress, customer.EmailAddress] as string[];
    assert.equal(new Set(emails).size, 3, "three casings");
    assert.equal(new Set(emails.map((e) => e.toLowerCase())).size, 1, "one address");
    assert.equal(customer.IsPerson, true);
    const orders = sandbox.store.all("SalesOrders");
    assert.ok(orders.some((o) => o.CustomerId === special.companyWithOrders));
    assert.ok(!orders.some((o) => o.CustomerId === special.companyWithoutOrders));
    assert.match(String(sandbox.store.get("ContactPersons", special.invalidEmailContactPerson.id)!.EmailAddress), /@@/);
    assert.match(String(sandbox.store.get("Customers", special.invalidEmailCustomer)!.EmailAddress), /\(at\)/);
    const rates = (sandbox.store.get("SalesOrders", special.salesOrderId)!.SalesOrderLines as { VatRate: number }[]).map((l) => l.VatRate);
    assert.deepEqual(rates, [0.25, 0.15, 0]);
  });

  test("the same seed gives the same data; another seed does not", async () => {
    const a = await startPowerOfficeSandbox({ seed: 99, size: 300 });
    const b = await startPowerOfficeSandbox({ seed: 99, size: 300 });
    const c = await startPowerOfficeSandbox({ seed: 100, size: 300 });
    try {
      assert.deepEqual(a.store.all("SalesOrders"), b.store.all("SalesOrders"));
      assert.deepEqual(a.store.all("Customers"), b.store.all("Customers"));
      assert.notDeepEqual(a.store.all("Customers"), c.store.all("Customers"));
      const counts = a.store.counts();
      assert.equal(counts.ContactPersons + counts.Customers + counts.Employees + counts.Departments + counts.Products + counts.SalesOrders, 300);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  test("admin: seed, edit as a GUI user, faults, request log, reset", async () => {
    const admin = sandbox.adminUrl;
    const other = await startPowerOfficeSandbox({ seed: 5 });
    try {
      const summary = (await (await fetch(other.adminUrl)).json()) as { counts: Record<string, number> };
      assert.equal(summary.counts.Customers, other.store.counts().Customers);

      const seeded = (await (await fetch(`${other.adminUrl}/seed`, { method: "POST", body: JSON.stringify({ seed: 8, size: 250 }) })).json()) as {
        counts: Record<string, number>;
        seed: number;
      };
      assert.equal(seeded.seed, 8);
      assert.equal(other.store.counts().Customers, seeded.counts.Customers);

      const id = other.store.all("Customers")[5]!.Id as number;
      const beforeEdit = other.store.get("Customers", id)!;
      const edited = await fetch(`${other.adminUrl}/records/Customers/${id}`, {
        method: "PATCH",
        body: JSON.stringify({ emailaddress: "ny.adresse@@feil" }),
      });
      assert.equal(edited.status, 200);
      const afterEdit = other.store.get("Customers", id)!;
      assert.equal(afterEdit.EmailAddress, "ny.adresse@@feil", "the GUI lets a typo through");
      assert.ok((afterEdit.LastChangedDateTimeOffset as string) > (beforeEdit.LastChangedDateTimeOffset as string));

      const fault = await fetch(`${other.adminUrl}/faults`, {
        method: "POST",
        body: JSON.stringify({ kind: "status", status: 502, count: 1, pathIncludes: "/v2/Departments" }),
      });
      assert.equal(fault.status, 201);
      const otherToken = await getToken(other);
      assert.equal((await api("/Departments", { target: other, bearer: otherToken })).status, 502);
      assert.equal((await api("/Departments", { target: other, bearer: otherToken })).status, 200);
      const log = (await (await fetch(`${other.adminUrl}/requests`)).json()) as { path: string; status: number; fault?: string }[];
      assert.deepEqual(
        log.slice(-2).map((e) => [e.path, e.status, e.fault]),
        [
          ["/v2/Departments", 502, "status"],
          ["/v2/Departments", 200, undefined],
        ],
      );
      const badFault = await fetch(`${other.adminUrl}/faults`, { method: "POST", body: JSON.stringify({ kind: "status", rate: 2 }) });
      assert.equal(badFault.status, 400);

      const reset = (await (await fetch(`${other.adminUrl}/reset`, { method: "POST" })).json()) as { counts: Record<string, number> };
      assert.equal(reset.counts.Customers, seeded.counts.Customers);
      assert.notEqual(other.store.get("Customers", id)!.EmailAddress, "ny.adresse@@feil");
    } finally {
      await other.close();
    }
    assert.equal((await fetch(`${admin}/records/Nope/1`)).status, 404);
  });

  test("in-process GUI delete refuses a record in use unless forced", () => {
    assert.throws(() => sandbox.store.delete("Customers", SANDBOX_SPECIAL_RECORDS.companyWithOrders), /in use/);
    const created = sandbox.store.create("Departments", { Name: "Midlertidig", Code: "999" });
    sandbox.store.delete("Departments", created.Id as number);
    assert.equal(sandbox.store.get("Departments", created.Id as number), undefined);
  });
});
