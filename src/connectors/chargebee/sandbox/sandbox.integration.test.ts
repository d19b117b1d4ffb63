import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { startChargebeeSandbox, type ChargebeeSandbox } from "./index.js";

let sandbox: ChargebeeSandbox;
let auth: string;

async function api(method: "GET" | "POST", path: string, form?: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: auth, ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}), ...headers },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

async function admin(method: string, path: string, body?: unknown) {
  const response = await fetch(`${sandbox.adminUrl}${path}`, {
    method,
    headers: { authorization: auth, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

before(async () => {
  sandbox = await startChargebeeSandbox({ size: "demo", seed: 11 });
  auth = `Basic ${Buffer.from(`${sandbox.apiKey}:`).toString("base64")}`;
});

after(async () => {
  await sandbox.close();
});

describe("Chargebee sandbox API", () => {
  test("Basic auth with the API key; errors in Chargebee's JSON shape", async () => {
    const denied = await fetch(`${sandbox.url}/customers`, { headers: { authorization: `Basic ${Buffer.from("wrong:").toString("base64")}` } });
    assert.equal(denied.status, 401);
    const body = (await denied.json()) as Record<string, unknown>;
    assert.equal(body.api_error_code, "api_authentication_failed");
    assert.equal(typeof body.message, "string");
    const missing = await api("GET", "/customers/does-not-exist");
    assert.equal(missing.status, 404);
    assert.deepEqual([missing.body.api_error_code, missing.body.type], ["resource_not_found", "invalid_request"]);
    const wrongMethod = await api("POST", "/events");
    assert.equal(wrongMethod.status, 405);
  });

  test("bracket notation with the index last; lists wrapped as {list, next_offset}", async () => {
    const created = await api("POST", "/invoices/create_for_charge_items_and_charges", {
      customer_id: "cb-kari-nordmann",
      currency_code: "NOK",
      auto_collection: "off",
      "item_prices[item_price_id][0]": "cb-consulting-hour-NOK",
      "item_prices[quantity][0]": "2",
      "item_prices[item_price_id][1]": "cb-coffee-kg-NOK",
      "item_prices[quantity][1]": "1",
      "item_prices[unit_price][1]": "20000",
      "charges[amount][0]": "5000",
      "charges[description][0]": "Frakt",
    });
    assert.equal(created.status, 200);
    const lines = created.body.invoice.line_items as Array<Record<string, unknown>>;
    assert.deepEqual(
      lines.map((line) => [line.entity_type, line.unit_amount, line.quantity, line.amount, line.tax_amount]),
      [
        ["charge_item_price", 125000, 2, 250000, 62500],
        ["charge_item_price", 20000, 1, 20000, 3000],
        ["adhoc", 5000, 1, 5000, 0],
      ],
    );
    const page = await api("GET", "/customers?limit=3");
    assert.equal(page.body.list.length, 3);
    assert.ok(page.body.list.every((entry: Record<string, any>) => entry.customer.object === "customer"));
    assert.equal(typeof page.body.next_offset, "string");
  });

  test("filters and sort_by: between, in, starts_with, is_not, desc; a wrong sort is refused", async () => {
    const now = Math.floor(Date.now() / 1000);
    const recent = await api("GET", `/customers?updated_at[between]=${encodeURIComponent(`[${now - 3600},${now + 60}]`)}&limit=100`);
    assert.equal(recent.status, 200);
    const ids = await api("GET", `/customers?id[in]=${encodeURIComponent('["cb-kari-nordmann","cb-fjordlys-regnskap"]')}`);
    assert.deepEqual(ids.body.list.map((entry: any) => entry.customer.id).sort(), ["cb-fjordlys-regnskap", "cb-kari-nordmann"]);
    const starts = await api("GET", "/customers?id[starts_with]=cb-kari");
    assert.deepEqual(
      starts.body.list.map((entry: any) => entry.customer.id),
      ["cb-kari-nordmann"],
    );
    const email = await api("GET", `/customers?email[is]=${encodeURIComponent("kari.nordmann@fjordlys-demo.no")}`);
    assert.deepEqual(
      email.body.list.map((entry: any) => entry.customer.id),
      ["cb-kari-nordmann"],
      "e-mail filters ignore case",
    );
    const desc = await api("GET", "/customers?sort_by[desc]=created_at&limit=100");
    const created = desc.body.list.map((entry: any) => entry.customer.created_at as number);
    assert.deepEqual(
      created,
      [...created].sort((a, b) => b - a),
    );
    const badSort = await api("GET", "/customers?sort_by[asc]=email");
    assert.equal(badSort.status, 400);
    assert.equal(badSort.body.param, "sort_by[asc]");
    const badOp = await api("GET", "/customers?updated_at[gt]=1700000000");
    assert.equal(badOp.status, 400);
  });

  test("paging stays stable while records change between pages", async () => {
    const first = await api("GET", "/customers?limit=10&sort_by[asc]=created_at");
    const seen = first.body.list.map((entry: any) => entry.customer.id);
    sandbox.store.edit("customer", seen[0], { first_name: "Flyttet" });
    const ids: string[] = [...seen];
    let offset = first.body.next_offset as string | undefined;
    while (offset) {
      const next = await api("GET", `/customers?limit=10&sort_by[asc]=created_at&offset=${encodeURIComponent(offset)}`);
      ids.push(...next.body.list.map((entry: any) => entry.customer.id));
      offset = next.body.next_offset;
    }
    const live = sandbox.store.dump("customer").filter((customer) => customer.deleted !== true).length;
    assert.equal(ids.length, live);
    assert.equal(new Set(ids).size, live);
  });

  test("custom ids: at most 50 characters, a limited alphabet, immutable, duplicate_entry on reuse", async () => {
    const long = await api("POST", "/customers", { id: "x".repeat(51) });
    assert.deepEqual([long.status, long.body.api_error_code, long.body.param], [400, "param_wrong_value", "id"]);
    const odd = await api("POST", "/customers", { id: "has space" });
    assert.equal(odd.status, 400);
    const ok = await api("POST", "/customers", { id: "po-contactperson-5000001", first_name: "Kari" });
    assert.equal(ok.status, 200);
    const again = await api("POST", "/customers", { id: "po-contactperson-5000001" });
    assert.deepEqual([again.status, again.body.api_error_code, again.body.param], [400, "duplicate_entry", "id"]);
    const rename = await api("POST", "/customers/po-contactperson-5000001", { id: "po-other" });
    assert.equal(rename.status, 400);
    assert.equal(rename.body.param, "id");
  });

  test("resource_version moves on every write, strictly, even within one millisecond; updated_at in epoch seconds", async () => {
    const versions: number[] = [];
    for (let index = 0; index < 5; index += 1)
      versions.push(sandbox.store.edit("customer", "cb-kari-nordmann", { phone: `+47 9000000${index}` }).resource_version as number);
    for (let index = 1; index < versions.length; index += 1) assert.ok(versions[index]! > versions[index - 1]!);
    const customer = sandbox.store.retrieve("customer", "cb-kari-nordmann");
    assert.match(String(customer.updated_at), /^\d{10}$/);
  });

  test("idempotency keys: a replay returns the stored answer with chargebee-idempotency-replayed; other params are refused", async () => {
    const key = { "chargebee-idempotency-key": "sandbox-test-key-1" };
    const first = await api("POST", "/customers", { id: "po-idem-1", first_name: "Anne" }, key);
    const replay = await api("POST", "/customers", { id: "po-idem-1", first_name: "Anne" }, key);
    assert.equal(first.headers.get("chargebee-idempotency-replayed"), null);
    assert.equal(replay.headers.get("chargebee-idempotency-replayed"), "true");
    assert.deepEqual(replay.body, first.body);
    const other = await api("POST", "/customers", { id: "po-idem-2" }, key);
    assert.equal(other.status, 422);
  });

  test("a per-minute limit answers 429 api_request_limit_exceeded with Retry-After", async () => {
    sandbox.setRequestsPerMinute(3);
    try {
      const statuses = [];
      for (let index = 0; index < 4; index += 1) statuses.push(await api("GET", "/customers?limit=1"));
      assert.deepEqual(
        statuses.map((response) => response.status),
        [200, 200, 200, 429],
      );
      assert.equal(statuses[3]!.body.api_error_code, "api_request_limit_exceeded");
      assert.ok(Number(statuses[3]!.headers.get("retry-after")) >= 1);
    } finally {
      sandbox.setRequestsPerMinute(0);
    }
  });

  test("business entity header: an unknown entity is refused", async () => {
    const response = await api("POST", "/customers", { id: "po-be-1" }, { "chargebee-business-entity-id": "be_nope" });
    assert.equal(response.status, 400);
    assert.equal(response.body.param, "chargebee-business-entity-id");
  });

  test("admin surface: edit as a user (new version, an event), faults, request log, reset", async () => {
    const before = sandbox.store.retrieve("customer", "cb-fjordlys-regnskap");
    const edited = await admin("POST", "/records/customer/cb-fjordlys-regnskap", { company: "Fjordlys Regnskap og Revisjon AS" });
    assert.equal(edited.status, 200);
    assert.ok(edited.body.resource_version > (before.resource_version as number));
    const events = await api("GET", "/events?event_type[is]=customer_changed&sort_by[desc]=occurred_at&limit=1");
    assert.equal(events.body.list[0].event.content.customer.company, "Fjordlys Regnskap og Revisjon AS");
    assert.equal(events.body.list[0].event.source, "admin_console");

    await admin("POST", "/faults", { inject: { kind: "unavailable", count: 1, pathIncludes: "/items" } });
    const failed = await api("GET", "/items");
    assert.deepEqual([failed.status, failed.body.api_error_code], [503, "internal_temporary_error"]);
    const log = await admin("GET", "/requests?limit=1");
    assert.equal(log.body.requests[0].fault, "unavailable");

    const reset = await admin("POST", "/reset", {});
    assert.equal(reset.body.customers, 30);
    assert.equal(sandbox.store.retrieve("customer", "cb-fjordlys-regnskap").company, "Fjordlys Regnskap AS");
    const unknown = await admin("GET", "/nothing");
    assert.equal(unknown.status, 404);
  });

  test("the same seed and size give the same data", async () => {
    const other = await startChargebeeSandbox({ size: 120, seed: 5 });
    const third = await startChargebeeSandbox({ size: 120, seed: 5 });
    try {
      const strip = (records: Array<Record<string, unknown>>) =>
        records.map(({ id, first_name, last_name, email, created_at, updated_at, resource_version, deleted }) => ({
          id,
          first_name,
          last_name,
          email,
          created_at,
          updated_at,
          resource_version,
          deleted,
        }));
      assert.deepEqual(strip(other.store.dump("customer")), strip(third.store.dump("customer")));
      assert.deepEqual(
        other.store.dump("invoice").map((invoice) => invoice.line_items),
        third.store.dump("invoice").map((invoice) => invoice.line_items),
      );
      assert.equal(other.store.dump("customer").length, 120);
    } finally {
      await other.close();
      await third.close();
    }
  });
});

describe("sandbox webhooks", () => {
  test("posted with Basic auth, retried on the (shortened) schedule until a 2xx, then marked succeeded", async () => {
    const received: Array<{ authorization?: string; body: Record<string, any> }> = [];
    let failFirst = 2;
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        received.push({ authorization: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
        res.writeHead(failFirst-- > 0 ? 500 : 200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const hooked = await startChargebeeSandbox({ size: "demo", webhook: { url, username: "cb", password: "s3cret", retryScheduleMs: [5, 5, 5] } });
    try {
      await hooked.webhooks.waitForIdle(); // the seeded business entities' events
      received.length = 0;
      failFirst = 2;
      hooked.store.edit("customer", "cb-kari-nordmann", { last_name: "Nordmann-Berg" });
      await hooked.webhooks.waitForIdle();
      assert.equal(received.length, 3);
      assert.ok(received.every((delivery) => delivery.authorization === `Basic ${Buffer.from("cb:s3cret").toString("base64")}`));
      assert.equal(received[0]!.body.event_type, "customer_changed");
      assert.equal(received[0]!.body.content.customer.last_name, "Nordmann-Berg");
      const event = hooked.store.retrieve("event", received[0]!.body.id);
      assert.equal(event.webhook_status, "succeeded");
      assert.deepEqual(
        hooked.webhooks.deliveries.slice(-3).map((delivery) => delivery.status),
        [500, 500, 200],
      );

      // Every delivered event is the API's: GET /events/{id} answers it with the same content, as Chargebee does, so a
      // receiver can confirm a delivery. Only the webhook bookkeeping moved on since.
      const byId = await fetch(`${hooked.url}/events/${String(received[0]!.body.id)}`, {
        headers: { authorization: `Basic ${Buffer.from(`${hooked.apiKey}:`).toString("base64")}` },
      });
      assert.equal(byId.status, 200);
      const { event: retrieved } = (await byId.json()) as { event: Record<string, unknown> };
      const { webhook_status: _sent, webhooks: _sentAttempts, ...delivered } = received[0]!.body;
      const { webhook_status: status, webhooks: _attempts, ...stored } = retrieved;
      assert.deepEqual(stored, delivered);
      assert.equal(status, "succeeded");

      // A write that asked for no webhook records its event but posts nothing.
      received.length = 0;
      const response = await fetch(`${hooked.url}/customers`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${hooked.apiKey}:`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
          "chargebee-event-webhook": "all-disabled",
        },
        body: "id=po-quiet-1&first_name=Stille",
      });
      assert.equal(response.status, 200);
      await hooked.webhooks.waitForIdle();
      assert.equal(received.length, 0);
      const quiet = hooked.store.dump("event").at(-1)!;
      assert.deepEqual([quiet.event_type, quiet.webhook_status], ["customer_created", "skipped"]);
    } finally {
      await hooked.close();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  test("gives up after the schedule and marks the event failed", async () => {
    const hooked = await startChargebeeSandbox({
      size: "demo",
      businessEntities: [],
      webhook: { url: "http://127.0.0.1:9/unreachable", retryScheduleMs: [1, 1] },
    });
    try {
      const before = hooked.webhooks.deliveries.length;
      hooked.store.edit("item", "cb-coffee-kg", { name: "Kaffe, 1 kg, mørk" });
      await hooked.webhooks.waitForIdle();
      const attempts = hooked.webhooks.deliveries.slice(before);
      assert.equal(attempts.length, 3);
      assert.ok(attempts.every((attempt) => !attempt.ok && attempt.status === 0));
      assert.equal(hooked.store.dump("event").at(-1)!.webhook_status, "failed");
    } finally {
      await hooked.close();
    }
  });
});
