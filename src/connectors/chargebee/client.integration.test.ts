import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { ChargebeeApiError, createChargebeeClient, type ChargebeeClient } from "./index.js";
import { startChargebeeSandbox, type ChargebeeSandbox } from "./sandbox/index.js";

let sandbox: ChargebeeSandbox;

/** A client that never waits long between retries, so fault tests run quickly. */
function fastClient(options: { maxRetries?: number; timeoutMs?: number; enableValidation?: boolean } = {}): ChargebeeClient {
  return createChargebeeClient(
    { ...sandbox.clientConfig, requestsPerMinute: 0 },
    {
      retry: { maxRetries: options.maxRetries ?? 4, baseDelayMs: 1, maxDelayMs: 5 },
      timeoutMs: options.timeoutMs,
      enableValidation: options.enableValidation,
    },
  );
}

async function collect<T>(pages: AsyncIterable<{ records: T[] }>): Promise<{ records: T[]; pages: number }> {
  const records: T[] = [];
  let count = 0;
  for await (const page of pages) {
    count += 1;
    records.push(...page.records);
  }
  return { records, pages: count };
}

before(async () => {
  sandbox = await startChargebeeSandbox({ size: 250, seed: 3 });
});

after(async () => {
  await sandbox.close();
});

beforeEach(() => {
  sandbox.faults.clear();
});

describe("streamed reads", () => {
  test("a full read pages with limit 100 and next_offset: one call per 100 records, deleted ones included", async () => {
    const client = fastClient();
    const { records, pages } = await collect(client.readCustomers());
    const all = sandbox.store.dump("customer");
    assert.equal(records.length, all.length);
    assert.equal(pages, Math.ceil(all.length / 100));
    assert.equal(client.stats().totalCalls, pages);
    assert.equal(client.stats().byEndpoint["customer.list"]?.outcomes.ok, pages);
    assert.ok(
      records.some((customer) => customer.deleted),
      "deleted customers come with include_deleted",
    );
    assert.equal(new Set(records.map((customer) => customer.id)).size, records.length);
    const without = await collect(client.readCustomers({ includeDeleted: false }));
    assert.equal(without.records.length, all.filter((customer) => customer.deleted !== true).length);
  });

  test("an incremental read returns what changed in the window, once, however the windows overlap", async () => {
    const client = fastClient();
    const before = Math.floor(Date.now() / 1000);
    const edited = sandbox.store.edit("customer", "cb-cust-000010", { first_name: "Endret" });
    sandbox.store.remove("customer", "cb-cust-000011");
    // Windows of 1 second with a 5 s overlap: the same records show up in several windows.
    const { records } = await collect(client.readCustomers({ updatedAfter: before, windowSeconds: 1, overlapSeconds: 5 }));
    const ids = records.map((customer) => customer.id);
    assert.deepEqual(ids.sort(), ["cb-cust-000010", "cb-cust-000011"]);
    assert.equal(records.find((customer) => customer.id === "cb-cust-000010")?.resource_version, edited.resource_version);
    assert.equal(records.find((customer) => customer.id === "cb-cust-000011")?.deleted, true);
    const query = sandbox.requestLog.list({ pathIncludes: "/customers" }).at(-1)!.query;
    assert.match(decodeURIComponent(query), /updated_at\[between\]=\[\d{10},\d{10}\]/);
    assert.match(decodeURIComponent(query), /sort_by\[asc\]=created_at/);
  });

  test("a page's high watermark and readUntil tell the caller where to continue", async () => {
    const client = fastClient();
    const until = Math.floor(Date.now() / 1000);
    const pages = [];
    for await (const page of client.readCustomers({ updatedAfter: until - 3, updatedBefore: until })) pages.push(page);
    assert.ok(pages.length >= 1);
    assert.equal(pages[0]!.readUntil, until);
    assert.deepEqual(pages[0]!.window, { from: until - 63, to: until }, "the default overlap is 60 s");
  });

  test("items, item prices, families, invoices and orders stream too", async () => {
    const client = fastClient();
    for (const resource of ["item", "item_price", "item_family", "invoice", "order"] as const) {
      const { records } = await collect(client.read(resource));
      assert.equal(records.length, sandbox.store.dump(resource).length, resource);
    }
  });

  test("events by occurred_at and type", async () => {
    const client = fastClient();
    const since = Math.floor(Date.now() / 1000) - 1;
    await client.createCustomer({ id: "po-events-1", first_name: "Eva" });
    await client.updateCustomer("po-events-1", { last_name: "Lund" });
    const { records } = await collect(client.readEvents({ occurredAfter: since, eventTypes: ["customer_created", "customer_changed"] }));
    const mine = records.filter((event) => (event.content as { customer?: { id: string } }).customer?.id === "po-events-1");
    assert.deepEqual(
      mine.map((event) => event.event_type),
      ["customer_created", "customer_changed"],
    );
  });
});

describe("writes", () => {
  test("creating a customer with our id twice returns the existing one; the second call is flagged", async () => {
    const client = fastClient();
    const first = await client.createCustomer({ id: "po-contactperson-1", first_name: "Kari", email: "kari@example.no" });
    const second = await client.createCustomer({ id: "po-contactperson-1", first_name: "Kari", email: "kari@example.no" });
    assert.equal(first.existing, false);
    assert.equal(second.existing, true);
    assert.equal(second.record.id, "po-contactperson-1");
    assert.equal(sandbox.store.dump("customer").filter((customer) => customer.id === "po-contactperson-1").length, 1);
    assert.equal(client.stats().byEndpoint["customer.create"]?.outcomes.client_error, 1);
    assert.equal(client.stats().byEndpoint["customer.retrieve"]?.calls, 1);
  });

  test("every POST carries an idempotency key, webhook suppression and the business entity when asked", async () => {
    const client = fastClient();
    const salg = sandbox.store.dump("business_entity").find((entity) => entity.name === "Salg")!;
    await client.createCustomer({ id: "po-headers-1", first_name: "Ola" }, { businessEntityId: String(salg.id) });
    await client.updateCustomer("po-headers-1", { last_name: "Dahl" }, { idempotencyKey: "mine-1", suppressWebhook: false });
    const posts = sandbox.requestLog.list({ method: "POST" });
    const create = posts.filter((entry) => entry.path === "/api/v2/customers").at(-1);
    const update = posts.filter((entry) => entry.path === "/api/v2/customers/po-headers-1").at(-1);
    assert.match(create!.idempotencyKey ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(create!.businessEntityId, salg.id);
    assert.equal(create!.webhookDisabled, true);
    assert.match(update!.idempotencyKey ?? "", /^mine-1~[\w-]{16}$/, "the caller's key, then the fingerprint of the parameters");
    assert.equal(update!.webhookDisabled, undefined);
    assert.equal(sandbox.store.raw("customer", "po-headers-1")?.business_entity_id, salg.id);
  });

  test("a caller's idempotency key is reused only with the same parameters", async () => {
    const client = fastClient();
    await client.createCustomer({ id: "po-keys-1", first_name: "Kari" });
    const keyOf = () =>
      sandbox.requestLog
        .list({ method: "POST" })
        .filter((entry) => entry.path === "/api/v2/customers/po-keys-1")
        .at(-1)!.idempotencyKey;
    await client.updateCustomer("po-keys-1", { last_name: "Dahl" }, { idempotencyKey: "rename-1" });
    const first = keyOf();
    await client.updateCustomer("po-keys-1", { last_name: "Dahl" }, { idempotencyKey: "rename-1" });
    assert.equal(keyOf(), first, "the same intent and parameters: the same key (Chargebee replays the first answer)");
    await client.updateCustomer("po-keys-1", { last_name: "Berg" }, { idempotencyKey: "rename-1" });
    assert.notEqual(keyOf(), first, "other parameters: another key, never a key Chargebee saw with other parameters");
    assert.equal(sandbox.store.raw("customer", "po-keys-1")?.last_name, "Berg");
  });

  test("an order goes in as an invoice carrying the lines, then the order; a crash is recovered by reference", async () => {
    const client = fastClient();
    await client.createCustomer({ id: "po-customer-77", company: "Nordkyst Media AS" });
    await client.createItemFamily({ id: "po-products", name: "PowerOffice products" });
    await client.createItem({ id: "po-product-1", name: "Rådgivning", item_family_id: "po-products" });
    const price = await client.createItemPrice({ itemId: "po-product-1", currencyCode: "nok", price: 145000, taxProfileId: "vat-25" });
    assert.equal(price.record.id, "po-product-1-NOK");
    const invoice = await client.createInvoiceForCharges({
      customerId: "po-customer-77",
      currencyCode: "NOK",
      reference: "po-salesorder-77",
      lines: [{ itemPriceId: "po-product-1-NOK", quantity: 3, unitPrice: 150000, description: "Rådgivning mars" }],
    });
    assert.deepEqual(
      invoice.line_items?.map((line) => [line.unit_amount, line.quantity, line.amount, line.tax_amount, line.description]),
      [[150000, 3, 450000, 112500, "Rådgivning mars"]],
    );
    const found = await client.findInvoiceByReference("po-customer-77", "po-salesorder-77");
    assert.equal(found?.id, invoice.id);
    assert.equal(await client.findInvoiceByReference("po-customer-77", "po-salesorder-none"), null);
    const order = await client.createOrderForInvoice({ invoiceId: invoice.id, id: "po-salesorder-77" });
    assert.equal(order.existing, false);
    assert.deepEqual(
      order.record.order_line_items?.map((line) => [line.unit_price, line.amount, line.tax_amount]),
      [[150000, 450000, 112500]],
    );
    const again = await client.createOrderForInvoice({ invoiceId: invoice.id, id: "po-salesorder-77" });
    assert.equal(again.existing, true);
    await assert.rejects(client.createOrderForInvoice({ invoiceId: invoice.id, id: "x".repeat(41) }), /at most 40/);
    await assert.rejects(
      client.createInvoiceForCharges({
        customerId: "po-customer-77",
        currencyCode: "NOK",
        lines: [{ itemPriceId: "po-product-1-NOK", quantity: 1, unitPrice: 10.5 }],
      }),
      /whole number of minor units/,
    );
  });

  test("business entities are learned from events", async () => {
    const client = fastClient();
    const entities = await client.learnBusinessEntities();
    const names = [...entities.values()].map((entity) => entity.name).sort();
    assert.deepEqual(names, ["Fjordlys Regnskap AS", "Kundeservice", "Nordic Subscriptions Ltd", "Salg"]);
  });

  test("retrieve of a missing record is null; other errors are typed", async () => {
    const client = fastClient();
    assert.equal(await client.retrieveCustomer("nobody"), null);
    await assert.rejects(client.updateCustomer("nobody", { first_name: "X" }), (error: unknown) => {
      assert.ok(error instanceof ChargebeeApiError);
      assert.equal(error.httpStatus, 404);
      assert.equal(error.apiErrorCode, "resource_not_found");
      assert.equal(error.retryable, false);
      return true;
    });
    await assert.rejects(client.createCustomer({ id: "po-bad-email", email: "not-an-email" }), (error: unknown) => {
      assert.ok(error instanceof ChargebeeApiError);
      assert.equal(error.apiErrorCode, "param_wrong_value");
      assert.equal(error.param, "email");
      return true;
    });
  });
});

describe("retries under faults, with a bounded number of calls", () => {
  test("5xx twice, then success: three calls, one record", async () => {
    const client = fastClient();
    sandbox.faults.inject({ kind: "unavailable", count: 1, pathIncludes: "/customers", method: "POST" });
    sandbox.faults.inject({ kind: "server_error", count: 1, pathIncludes: "/customers", method: "POST" });
    const result = await client.createCustomer({ id: "po-retry-1", first_name: "Rita" });
    assert.equal(result.existing, false);
    const stats = client.stats().byEndpoint["customer.create"]!;
    assert.deepEqual(stats, { calls: 3, outcomes: { server_error: 2, ok: 1 }, retries: 2 });
  });

  test("a lost answer after the write is retried with the same key and replayed, not written twice", async () => {
    const client = fastClient();
    sandbox.faults.inject({ kind: "drop_after_write", count: 1, pathIncludes: "/customers", method: "POST" });
    const result = await client.createCustomer({ id: "po-retry-2", first_name: "Siv" });
    assert.equal(result.replayed, true);
    assert.equal(result.existing, false);
    const posts = sandbox.requestLog.list({ method: "POST", pathIncludes: "/customers" }).slice(-2);
    assert.equal(posts[0]!.idempotencyKey, posts[1]!.idempotencyKey);
    assert.equal(posts[1]!.replayed, true);
    assert.equal(client.stats().byEndpoint["customer.create"]?.outcomes.network_error, 1);
  });

  test("429 with Retry-After and a dropped connection are retried; a hanging request times out and is retried", async () => {
    const client = fastClient({ timeoutMs: 300 });
    sandbox.faults.inject({ kind: "rate_limit", count: 1, pathIncludes: "/items", retryAfterSeconds: 1 });
    sandbox.faults.inject({ kind: "drop", count: 1, pathIncludes: "/items" });
    sandbox.faults.inject({ kind: "timeout", count: 1, pathIncludes: "/items" });
    const { records } = await collect(client.read("item"));
    assert.equal(records.length, sandbox.store.dump("item").length);
    const outcomes = client.stats().byEndpoint["item.list"]!.outcomes;
    // the pages of live items, plus one page of the status[is]=deleted pass
    assert.deepEqual(outcomes, { rate_limited: 1, network_error: 1, timeout: 1, ok: Math.ceil(records.length / 100) + 1 });
  });

  test("a 429 without Retry-After waits long enough for Chargebee's minute-long block to pass", async () => {
    const waits: number[] = [];
    const client = createChargebeeClient({ ...sandbox.clientConfig, requestsPerMinute: 0 }, { sleep: async (ms) => void waits.push(ms) });
    sandbox.faults.inject({ kind: "rate_limit", count: 2, pathIncludes: "/customers/cb-cust-000003", retryAfterSeconds: 0 });
    sandbox.faults.inject({ kind: "lock_timeout", count: 1, pathIncludes: "/customers/cb-cust-000003", retryAfterSeconds: 2 });
    assert.equal((await client.retrieveCustomer("cb-cust-000003"))?.id, "cb-cust-000003");
    assert.equal(waits.length, 3);
    assert.ok(waits[0]! >= 7_500 && waits[0]! <= 15_000, `first wait ${waits[0]} ms`);
    assert.ok(waits[1]! >= 15_000 && waits[1]! <= 30_000, `second wait ${waits[1]} ms`);
    // The test's sleep returns at once, so the earlier block is still "pending": the longer of the two wins.
    assert.ok(waits[2]! >= 2_000, "Retry-After is honoured (at least)");
  });

  test("lock_timeout with Retry-After waits exactly that long", async () => {
    const waits: number[] = [];
    const client = createChargebeeClient({ ...sandbox.clientConfig, requestsPerMinute: 0 }, { sleep: async (ms) => void waits.push(ms) });
    sandbox.faults.inject({ kind: "lock_timeout", count: 1, pathIncludes: "/customers/cb-cust-000004", retryAfterSeconds: 2 });
    assert.equal((await client.retrieveCustomer("cb-cust-000004"))?.id, "cb-cust-000004");
    assert.equal(waits.length, 1);
    assert.ok(waits[0]! > 1_900 && waits[0]! <= 2_000, `waited ${waits[0]} ms`);
    assert.deepEqual(client.stats().byEndpoint["customer.retrieve"]?.outcomes, { rate_limited: 1, ok: 1 });
  });

  test("a fault that does not go away ends after maxRetries + 1 calls with a retryable typed error", async () => {
    const client = fastClient({ maxRetries: 2 });
    sandbox.faults.inject({ kind: "server_error", count: 10, pathIncludes: "/customers/cb-cust-000001" });
    await assert.rejects(client.retrieveCustomer("cb-cust-000001"), (error: unknown) => {
      assert.ok(error instanceof ChargebeeApiError);
      assert.equal(error.httpStatus, 500);
      assert.equal(error.retryable, true);
      return true;
    });
    assert.equal(client.stats().byEndpoint["customer.retrieve"]?.calls, 3);
  });

  test("retrieveEvent: an event the sandbox emitted by its id, null for an unknown id; a per-call retry policy caps its attempts", async () => {
    const client = fastClient({ maxRetries: 4 });
    sandbox.store.edit("customer", "cb-cust-000005", { first_name: "Hendelse" });
    const emitted = sandbox.store.dump("event").at(-1)!;
    const event = await client.retrieveEvent(String(emitted.id));
    assert.equal(event?.event_type, "customer_changed");
    assert.equal((event?.content as { customer?: { first_name?: string } }).customer?.first_name, "Hendelse");
    assert.equal(await client.retrieveEvent("ev_never_emitted"), null);
    sandbox.faults.inject({ kind: "server_error", count: 10, pathIncludes: `/events/${String(emitted.id)}` });
    await assert.rejects(client.retrieveEvent(String(emitted.id), { retry: { maxRetries: 1 } }), ChargebeeApiError);
    assert.equal(client.stats().byEndpoint["event.retrieve"]?.outcomes.server_error, 2, "the first call and one retry, not four");
  });

  test("a per-call policy gives up on a 429 block longer than its waits, and the site stays blocked as long as Chargebee said", async () => {
    const waits: number[] = [];
    const client = createChargebeeClient({ ...sandbox.clientConfig, requestsPerMinute: 0 }, { sleep: async (ms) => void waits.push(ms) });
    sandbox.store.edit("customer", "cb-cust-000005", { last_name: "Blokkert" });
    const id = String(sandbox.store.dump("event").at(-1)!.id);
    sandbox.faults.inject({ kind: "rate_limit", count: 1, pathIncludes: `/events/${id}`, retryAfterSeconds: 30 });
    await assert.rejects(client.retrieveEvent(id, { retry: { maxDelayMs: 1_000 } }), (error: unknown) => {
      assert.ok(error instanceof ChargebeeApiError);
      assert.equal(error.httpStatus, 429);
      return true;
    });
    assert.deepEqual(waits, [], "gave up rather than wait 30 s");
    assert.equal((await client.retrieveEvent(id))?.id, id, "the client's own policy waits the block out");
    assert.equal(waits.length, 1);
    assert.ok(waits[0]! > 29_000 && waits[0]! <= 30_000, `waited ${waits[0]} ms`);
  });

  test("with the SDK's validation on, the client's requests still pass", async () => {
    const client = fastClient({ enableValidation: true });
    const since = Math.floor(Date.now() / 1000) - 60;
    await client.createCustomer({ id: "po-validated-1", first_name: "Vera", email: "vera@example.no" });
    const { records } = await collect(client.readCustomers({ updatedAfter: since }));
    assert.ok(records.some((customer) => customer.id === "po-validated-1"));
    const events = await collect(client.readEvents({ occurredAfter: since, eventTypes: ["customer_created"] }));
    assert.ok(events.records.every((event) => event.event_type === "customer_created"));
    await assert.rejects(client.createCustomer({ id: "x".repeat(60) }), /at most 50/);
  });
});

describe("client budget", () => {
  test("with the sandbox limit equal to the client budget, the client provokes no 429", async () => {
    sandbox.setRequestsPerMinute(20);
    try {
      const client = createChargebeeClient({ ...sandbox.clientConfig, requestsPerMinute: 20, maxConcurrency: 3 });
      const before = sandbox.requestLog.countByStatus()[429] ?? 0;
      await Promise.all(Array.from({ length: 20 }, (_, index) => client.retrieveCustomer(`cb-cust-${String(index + 1).padStart(6, "0")}`)));
      assert.equal((sandbox.requestLog.countByStatus()[429] ?? 0) - before, 0);
      assert.equal(client.stats().totalCalls, 20);
    } finally {
      sandbox.setRequestsPerMinute(0);
    }
  });
});

describe("deleted catalogue records", () => {
  test("items and item prices have no include_deleted: deleted ones come from a status[is]=deleted pass", async () => {
    const client = fastClient();
    const since = Math.floor(Date.now() / 1000);
    sandbox.store.remove("item_price", "cb-report-pack-NOK");
    sandbox.store.remove("item", "cb-report-pack");
    const items = await collect(client.read("item", { updatedAfter: since }));
    const deleted = items.records.find((item) => item.id === "cb-report-pack");
    assert.deepEqual([deleted?.status, deleted?.deleted], ["deleted", true]);
    const prices = await collect(client.read("item_price", { updatedAfter: since }));
    assert.equal(prices.records.find((price) => price.id === "cb-report-pack-NOK")?.deleted, true);
    const queries = sandbox.requestLog
      .list({ pathIncludes: "/items" })
      .slice(-2)
      .map((entry) => decodeURIComponent(entry.query));
    assert.ok(queries.every((query) => !query.includes("include_deleted")));
    assert.ok(queries.some((query) => query.includes("status[is]=deleted")));
    const live = await collect(client.read("item", { includeDeleted: false }));
    assert.ok(live.records.every((item) => item.id !== "cb-report-pack"));
  });
});
