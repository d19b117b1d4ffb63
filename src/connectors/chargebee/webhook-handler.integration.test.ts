import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { pino } from "pino";
import { getRecords } from "../../datasets/read-records.js";
import type { Logger } from "../../logging/logger.js";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/database.js";
import { freePort } from "../../../test/helpers/free-port.js";
import { postChunked, postHeadOnly } from "../../../test/helpers/oversized-requests.js";
import { createChargebeeClient, type ChargebeeClient } from "./client.js";
import { createChargebeeWebhookHandler, type ChargebeeWebhookHandler, type ChargebeeWebhookHandlerOptions } from "./webhook-handler.js";
import { startChargebeeSandbox, type ChargebeeSandbox } from "./sandbox/index.js";

const MAX_BODY_BYTES = 16 * 1024;
const PASSWORD = "pw-0123456789";
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

let db: TestDatabase;
let sandbox: ChargebeeSandbox;
let chargebee: ChargebeeClient;
let handler: ChargebeeWebhookHandler;
let receiver: Receiver;
const logLines: Array<Record<string, unknown>> = [];

interface Receiver {
  url: string;
  close(): Promise<void>;
}

/** The receiver on a port of its own, as the gateway mounts it. */
async function startReceiver(nodeHandler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>): Promise<Receiver> {
  const server = http.createServer((req, res) => void nodeHandler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/chargebee`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A client that retries at once, so fault tests take no time. */
function fastClient(config: ChargebeeSandbox["clientConfig"] | Parameters<typeof createChargebeeClient>[0]): ChargebeeClient {
  return createChargebeeClient({ ...config, requestsPerMinute: 0 }, { retry: { baseDelayMs: 1, maxDelayMs: 5 }, sleep: async () => {} });
}

function recordingLogger(): Logger {
  return pino({ level: "debug" }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
}

function handlerOptions(overrides: Partial<ChargebeeWebhookHandlerOptions> = {}): ChargebeeWebhookHandlerOptions {
  return {
    knex: db.knex,
    chargebee,
    username: "cb-hooks",
    password: PASSWORD,
    maxBodyBytes: MAX_BODY_BYTES,
    logger: recordingLogger(),
    ...overrides,
  };
}

async function post(body: unknown, authorization = basic("cb-hooks", PASSWORD)) {
  const response = await fetch(receiver.url, {
    method: "POST",
    headers: { authorization, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A change made in Chargebee (as a user in its UI would), and the event it recorded, as Chargebee delivers it. */
function editInChargebee(customerId: string, fields: Record<string, unknown>): Record<string, unknown> {
  sandbox.store.edit("customer", customerId, fields);
  return sandbox.store.dump("event").at(-1)!;
}

const confirmationCalls = () => chargebee.stats().byEndpoint["event.retrieve"]?.calls ?? 0;
const storedEventIds = async () => (await db.knex("webhook_events").pluck("event_id")) as string[];

before(async () => {
  db = await createTestDatabase();
  sandbox = await startChargebeeSandbox({ size: "demo" });
  chargebee = fastClient(sandbox.clientConfig);
  handler = createChargebeeWebhookHandler(handlerOptions());
  receiver = await startReceiver(handler);
});

after(async () => {
  await receiver.close();
  await sandbox.close();
  await db.dispose();
});

beforeEach(() => {
  sandbox.faults.clear();
  logLines.length = 0;
});

describe("Chargebee webhook receiver", () => {
  test("refuses wrong credentials and bad bodies without storing anything or asking the API", async () => {
    const event = editInChargebee("cb-kari-nordmann", { phone: "+47 400 00 000" });
    const denied = await post(event, basic("cb-hooks", "wrong"));
    assert.equal(denied.status, 401);
    const noAuth = await fetch(receiver.url, { method: "POST", body: "{}" });
    assert.equal(noAuth.status, 401);
    assert.equal((await post("not json")).status, 400);
    assert.equal((await post({ event_type: "customer_created", content: {} })).status, 400);
    assert.deepEqual(await post({ ...event, id: "../customers/cb-kari-nordmann" }), {
      status: 400,
      body: { error: "The event id is not a Chargebee event id" },
    });
    assert.deepEqual(await storedEventIds(), []);
    assert.equal(confirmationCalls(), 0);
  });

  test("a body over the limit (CHARGEBEE_WEBHOOK_MAX_BODY_BYTES): 413 on its Content-Length before it is sent, or as soon as a chunked one passes it; nothing stored", async () => {
    const declared = await postHeadOnly(new URL(receiver.url), 10 * 1024 * 1024, { authorization: basic("cb-hooks", PASSWORD) });
    assert.equal(declared.status, 413);
    assert.ok(declared.closedByServer, "the connection is closed instead of waiting for the body");
    assert.deepEqual(JSON.parse(declared.text), {
      error: "The webhook body is 10485760 bytes, more than the 16384 bytes this receiver accepts (CHARGEBEE_WEBHOOK_MAX_BODY_BYTES)",
    });
    const total = 64 * 1024 * 1024;
    const streamed = await postChunked(new URL(receiver.url), {
      prefix: '{"id":"ev_big","event_type":"customer_created","content":{"customer":{"id":"cb-big","first_name":"',
      totalBytes: total,
      headers: { authorization: basic("cb-hooks", PASSWORD) },
    });
    assert.equal(streamed.status, 413);
    assert.equal(streamed.headers.connection, "close");
    assert.match(streamed.text, /larger than the 16384 bytes this receiver accepts \(CHARGEBEE_WEBHOOK_MAX_BODY_BYTES\)/);
    assert.ok(streamed.writtenBytes < total, `answered after ${streamed.writtenBytes} of ${total} bytes were written`);
    const unauthenticated = await postHeadOnly(new URL(receiver.url), 10 * 1024 * 1024);
    assert.deepEqual([unauthenticated.status, unauthenticated.closedByServer], [401, true], "no credentials: 401 before the size, body unread");
    assert.deepEqual(await storedEventIds(), []);
  });

  test("a delivery is confirmed with one API call and stored from the API's copy; the same event again is a duplicate with no call", async () => {
    const event = editInChargebee("cb-kari-nordmann", { first_name: "Kari", last_name: "Nordmann", email: "Kari.Nordmann@Fjordlys-Demo.no" });
    const calls = confirmationCalls();
    const first = await post(event);
    assert.deepEqual(first, { status: 200, body: { received: true, duplicate: false, changed: 1, stale: 0 } });
    assert.equal(confirmationCalls(), calls + 1, "one GET /events/{id} for a new event");
    assert.ok(!logLines.some((line) => String(line.msg).includes("differs")), "a faithful delivery is no mismatch");
    const [record] = await getRecords(db.knex, "chargebee", "customer", ["cb-kari-nordmann"]);
    const apiCustomer = sandbox.store.retrieve("event", String(event.id)).content as { customer: Record<string, unknown> };
    assert.deepEqual(record?.data, apiCustomer.customer);
    assert.equal(record?.email, "kari.nordmann@fjordlys-demo.no");
    assert.equal(record?.sourceChangedAt?.getTime(), Number(apiCustomer.customer.updated_at) * 1000);

    const again = await post(event);
    assert.deepEqual(again, { status: 200, body: { received: true, duplicate: true, changed: 0, stale: 0 } });
    assert.equal(confirmationCalls(), calls + 1, "a duplicate costs no API call");
  });

  test("a forged delivery (an id the API does not know): 422, nothing stored, a warning with its id and type only", async () => {
    const forged = {
      id: "ev_forged_0001",
      event_type: "customer_created",
      occurred_at: Math.floor(Date.now() / 1000),
      content: { customer: { id: "cb-planted", first_name: "Planted", email: "planted@example.com", resource_version: 9_999_999_999_999 } },
    };
    const answer = await post(forged);
    assert.deepEqual(answer, { status: 422, body: { error: "Chargebee's API has no event with this id; it was not stored" } });
    assert.deepEqual(await getRecords(db.knex, "chargebee", "customer", ["cb-planted"]), []);
    assert.ok(!(await storedEventIds()).includes("ev_forged_0001"));
    const warning = logLines.find((line) => line.level === 40 && String(line.msg).includes("no such event"));
    assert.deepEqual([warning?.eventId, warning?.eventType], ["ev_forged_0001", "customer_created"]);
    const logged = JSON.stringify(logLines);
    assert.ok(!logged.includes("Planted") && !logged.includes(PASSWORD), "neither the body nor the credentials reach the log");
  });

  test("a tampered delivery (a real id, other content): the API's copy is stored and the mismatch logged", async () => {
    const event = editInChargebee("cb-kari-nordmann", { company: "Fjordlys Regnskap AS" });
    const content = event.content as { customer: Record<string, unknown> };
    const tampered = { ...event, content: { customer: { ...content.customer, email: "attacker@example.com", company: "Planted AS" } } };
    const answer = await post(tampered);
    assert.equal(answer.status, 200);
    const [record] = await getRecords(db.knex, "chargebee", "customer", ["cb-kari-nordmann"]);
    assert.equal(record?.data.company, "Fjordlys Regnskap AS");
    assert.equal(record?.email, "kari.nordmann@fjordlys-demo.no");
    const warning = logLines.find((line) => line.level === 40 && String(line.msg).includes("differs from the API's event"));
    assert.deepEqual([warning?.eventId, warning?.eventType, warning?.differingKeys], [event.id, "customer_changed", ["customer"]]);
    assert.ok(!JSON.stringify(logLines).includes("attacker@example.com"), "the delivered values stay out of the log");
  });

  test("the API cannot be reached (5xx, dropped connections, 429 after retries): 503 and nothing stored; delivered again later, it is stored", async () => {
    const event = editInChargebee("cb-kari-nordmann", { last_name: "Utilgjengelig" });
    const path = `/events/${String(event.id)}`;
    for (const kind of ["server_error", "drop", "rate_limit"] as const) {
      sandbox.faults.inject({ kind, count: 3, pathIncludes: path, retryAfterSeconds: 0 });
      const answer = await post(event);
      assert.deepEqual(
        answer,
        { status: 503, body: { error: "Chargebee's API could not confirm the event just now; deliver it again later" } },
        kind,
      );
      assert.ok(!(await storedEventIds()).includes(String(event.id)), `${kind}: nothing stored`);
    }
    assert.notEqual((await getRecords(db.knex, "chargebee", "customer", ["cb-kari-nordmann"]))[0]?.data.last_name, "Utilgjengelig");
    const warning = logLines.find((line) => String(line.msg).includes("could not be confirmed"));
    assert.deepEqual([warning?.level, warning?.eventId, warning?.httpStatus], [40, event.id, 500]);

    sandbox.faults.clear();
    assert.equal((await post(event)).status, 200);
    assert.equal((await getRecords(db.knex, "chargebee", "customer", ["cb-kari-nordmann"]))[0]?.data.last_name, "Utilgjengelig");
  });

  test("out of order: an older event arriving late does not overwrite the newer one", async () => {
    const older = editInChargebee("cb-kari-nordmann", { first_name: "Gammel" });
    const newer = editInChargebee("cb-kari-nordmann", { first_name: "Ny" });
    await post(newer);
    const late = await post(older);
    assert.deepEqual([late.body.changed, late.body.stale], [0, 1]);
    assert.equal((await getRecords(db.knex, "chargebee", "customer", ["cb-kari-nordmann"]))[0]?.data.first_name, "Ny");
  });

  test("a *_deleted event marks the record deleted; every dataset object in the API's event is stored", async () => {
    const customer = sandbox.store.dump("customer").find((c) => c.deleted !== true && c.id !== "cb-kari-nordmann")!;
    sandbox.store.remove("customer", String(customer.id));
    assert.equal((await post(sandbox.store.dump("event").at(-1))).status, 200);
    assert.equal((await getRecords(db.knex, "chargebee", "customer", [String(customer.id)]))[0]?.deleted, true);

    // An event whose content carries two dataset objects, as Chargebee's invoice and order events do; the sandbox
    // emits one object per event, so this one is put in its event store as Chargebee would have recorded it.
    const [invoice] = sandbox.store.dump("invoice");
    const [order] = sandbox.store.dump("order");
    const event = {
      id: "ev_order_with_invoice",
      event_type: "order_updated",
      occurred_at: Math.floor(Date.now() / 1000),
      source: "system",
      content: { order: order!, invoice: invoice! },
    };
    sandbox.store.insertSeeded("event", structuredClone(event));
    assert.equal((await post(event)).status, 200);
    assert.equal((await getRecords(db.knex, "chargebee", "order", [String(order!.id)])).length, 1);
    assert.equal((await getRecords(db.knex, "chargebee", "invoice", [String(invoice!.id)])).length, 1);
  });

  test("event ids are kept at least four days; older ones are pruned", async () => {
    await db.knex("webhook_events").insert([
      { event_id: "ev_ancient", event_type: "customer_changed", received_at: new Date(Date.now() - 8 * 86_400_000) },
      { event_id: "ev_recent", event_type: "customer_changed", received_at: new Date(Date.now() - 3.5 * 86_400_000) },
    ]);
    const pruned = await handler.prune();
    assert.equal(pruned, 1);
    const left = (await db.knex("webhook_events").whereIn("event_id", ["ev_ancient", "ev_recent"]).pluck("event_id")) as string[];
    assert.deepEqual(left, ["ev_recent"]);
  });

  test("end to end: the sandbox's own deliveries (with a duplicate) are confirmed and land in the datasets once", async () => {
    const port = await freePort();
    const ownClient = fastClient({ mode: "sandbox", sandboxPort: port });
    const ownHandler = createChargebeeWebhookHandler(handlerOptions({ chargebee: ownClient }));
    const ownReceiver = await startReceiver(ownHandler);
    const hooked = await startChargebeeSandbox({
      port,
      size: "demo",
      businessEntities: ["Salg"],
      webhook: { url: ownReceiver.url, username: "cb-hooks", password: PASSWORD, retryScheduleMs: [5] },
    });
    try {
      await hooked.webhooks.waitForIdle();
      const entity = (
        await getRecords(db.knex, "chargebee", "business_entity", [String(hooked.store.dump("business_entity").find((e) => e.name === "Salg")!.id)])
      )[0];
      assert.equal(entity?.name, "Salg");
      hooked.store.edit("customer", "cb-kari-nordmann", { first_name: "Karianne" });
      await hooked.webhooks.waitForIdle();
      const eventId = hooked.webhooks.deliveries.at(-1)!.eventId;
      hooked.webhooks.resend(eventId);
      await hooked.webhooks.waitForIdle();
      assert.ok(hooked.webhooks.deliveries.slice(-2).every((delivery) => delivery.status === 200));
      const [record] = await getRecords(db.knex, "chargebee", "customer", ["cb-kari-nordmann"]);
      assert.equal(record?.data.first_name, "Karianne");
      assert.deepEqual(
        (await storedEventIds()).filter((id) => id === eventId),
        [eventId],
      );
      assert.equal(hooked.requestLog.list({ pathIncludes: `/events/${eventId}` }).length, 1, "the resent duplicate was not confirmed again");
    } finally {
      await hooked.close();
      await ownReceiver.close();
    }
  });
});
