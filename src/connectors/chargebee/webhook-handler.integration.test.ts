import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { getRecords } from "../../datasets/read-records.js";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/database.js";
import { createChargebeeWebhookHandler, type ChargebeeWebhookHandler } from "./webhook-handler.js";
import { startChargebeeSandbox } from "./sandbox/index.js";
import { postChunked, postHeadOnly } from "../../../test/helpers/oversized-requests.js";

let db: TestDatabase;
let handler: ChargebeeWebhookHandler;
let server: http.Server;
let url: string;
const MAX_BODY_BYTES = 16 * 1024;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

function customerEvent(id: string, eventType: string, customer: Record<string, unknown>) {
  return { id, event_type: eventType, occurred_at: 1_795_000_000, source: "admin_console", object: "event", api_version: "v2", webhook_status: "scheduled", content: { customer } };
}

async function post(body: unknown, authorization = basic("cb-hooks", "pw")) {
  const response = await fetch(url, { method: "POST", headers: { authorization, "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

before(async () => {
  db = await createTestDatabase();
  handler = createChargebeeWebhookHandler({ knex: db.knex, username: "cb-hooks", password: "pw", maxBodyBytes: MAX_BODY_BYTES });
  server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/chargebee`;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await db.dispose();
});

describe("Chargebee webhook receiver", () => {
  test("refuses wrong credentials and bad bodies without storing anything", async () => {
    const denied = await post(customerEvent("ev_denied", "customer_created", { id: "c-denied", resource_version: 1 }), basic("cb-hooks", "wrong"));
    assert.equal(denied.status, 401);
    const noAuth = await fetch(url, { method: "POST", body: "{}" });
    assert.equal(noAuth.status, 401);
    assert.equal((await post("not json")).status, 400);
    assert.equal((await post({ event_type: "customer_created", content: {} })).status, 400);
    assert.equal(Number((await db.knex("webhook_events").count<{ count: string }[]>("* as count"))[0]!.count), 0);
  });

  test("a body over the limit (CHARGEBEE_WEBHOOK_MAX_BODY_BYTES): 413 on its Content-Length before it is sent, or as soon as a chunked one passes it; nothing stored", async () => {
    const declared = await postHeadOnly(new URL(url), 10 * 1024 * 1024, { authorization: basic("cb-hooks", "pw") });
    assert.equal(declared.status, 413);
    assert.ok(declared.closedByServer, "the connection is closed instead of waiting for the body");
    assert.deepEqual(JSON.parse(declared.text), {
      error: "The webhook body is 10485760 bytes, more than the 16384 bytes this receiver accepts (CHARGEBEE_WEBHOOK_MAX_BODY_BYTES)",
    });
    const total = 64 * 1024 * 1024;
    const streamed = await postChunked(new URL(url), {
      prefix: '{"id":"ev_big","event_type":"customer_created","content":{"customer":{"id":"cb-big","first_name":"',
      totalBytes: total,
      headers: { authorization: basic("cb-hooks", "pw") },
    });
    assert.equal(streamed.status, 413);
    assert.equal(streamed.headers.connection, "close");
    assert.match(streamed.text, /larger than the 16384 bytes this receiver accepts \(CHARGEBEE_WEBHOOK_MAX_BODY_BYTES\)/);
    assert.ok(streamed.writtenBytes < total, `answered after ${streamed.writtenBytes} of ${total} bytes were written`);
    const unauthenticated = await postHeadOnly(new URL(url), 10 * 1024 * 1024);
    assert.deepEqual([unauthenticated.status, unauthenticated.closedByServer], [401, true], "no credentials: 401 before the size, body unread");
    assert.equal((await db.knex("webhook_events").where({ event_id: "ev_big" })).length, 0);
  });

  test("an event becomes a dataset update; the same event again is a harmless duplicate", async () => {
    const event = customerEvent("ev_1", "customer_created", { id: "cb-c1", first_name: "Kari", last_name: "Nordmann", email: "Kari.Nordmann@Fjordlys-Demo.no", updated_at: 1_795_000_000, resource_version: 1_795_000_000_000, deleted: false });
    const first = await post(event);
    assert.deepEqual(first.body, { received: true, duplicate: false, changed: 1, stale: 0 });
    const again = await post(event);
    assert.equal(again.status, 200);
    assert.equal(again.body.duplicate, true);
    const [record] = await getRecords(db.knex, "chargebee", "customer", ["cb-c1"]);
    assert.equal(record?.email, "kari.nordmann@fjordlys-demo.no");
    assert.equal(record?.name, "Kari Nordmann");
    assert.equal(record?.sourceChangedAt?.getTime(), 1_795_000_000_000);
    const changeSeq = record!.changeSeq;
    await post(customerEvent("ev_1b", "customer_changed", { ...event.content.customer }));
    assert.equal((await getRecords(db.knex, "chargebee", "customer", ["cb-c1"]))[0]!.changeSeq, changeSeq, "unchanged content keeps its change_seq");
  });

  test("out of order: an older version arriving late does not overwrite a newer one", async () => {
    const newer = customerEvent("ev_new", "customer_changed", { id: "cb-c2", first_name: "Ny", resource_version: 2_000, updated_at: 1_795_000_100 });
    const older = customerEvent("ev_old", "customer_changed", { id: "cb-c2", first_name: "Gammel", resource_version: 1_000, updated_at: 1_795_000_000 });
    await post(newer);
    const late = await post(older);
    assert.deepEqual([late.body.changed, late.body.stale], [0, 1]);
    const [record] = await getRecords(db.knex, "chargebee", "customer", ["cb-c2"]);
    assert.equal(record?.data.first_name, "Ny");
  });

  test("a *_deleted event marks the record deleted; related objects in the content are stored too", async () => {
    await post(customerEvent("ev_del", "customer_deleted", { id: "cb-c3", first_name: "Borte", resource_version: 5, deleted: false }));
    assert.equal((await getRecords(db.knex, "chargebee", "customer", ["cb-c3"]))[0]?.deleted, true);
    await post({ id: "ev_order", event_type: "order_created", occurred_at: 1_795_000_000, content: { order: { id: "o-1", customer_id: "cb-c1", resource_version: 1 }, invoice: { id: "1001", customer_id: "cb-c1", resource_version: 1 } } });
    assert.equal((await getRecords(db.knex, "chargebee", "order", ["o-1"]))[0]?.parentId, "cb-c1");
    assert.equal((await getRecords(db.knex, "chargebee", "invoice", ["1001"])).length, 1);
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

  test("end to end: the sandbox's deliveries (with a duplicate) land in the datasets once", async () => {
    const sandbox = await startChargebeeSandbox({ size: "demo", businessEntities: ["Salg"], webhook: { url, username: "cb-hooks", password: "pw", retryScheduleMs: [5] } });
    try {
      await sandbox.webhooks.waitForIdle();
      const entity = (await getRecords(db.knex, "chargebee", "business_entity", [String(sandbox.store.dump("business_entity").find((e) => e.name === "Salg")!.id)]))[0];
      assert.equal(entity?.name, "Salg");
      sandbox.store.edit("customer", "cb-kari-nordmann", { first_name: "Karianne" });
      await sandbox.webhooks.waitForIdle();
      const eventId = sandbox.webhooks.deliveries.at(-1)!.eventId;
      sandbox.webhooks.resend(eventId);
      await sandbox.webhooks.waitForIdle();
      assert.ok(sandbox.webhooks.deliveries.slice(-2).every((delivery) => delivery.status === 200));
      const [record] = await getRecords(db.knex, "chargebee", "customer", ["cb-kari-nordmann"]);
      assert.equal(record?.data.first_name, "Karianne");
      const stored = await db.knex("webhook_events").where({ event_id: eventId }).count<{ count: string }[]>("* as count");
      assert.equal(Number(stored[0]!.count), 1);
    } finally {
      await sandbox.close();
    }
  });
});
