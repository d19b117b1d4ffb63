import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createChargebeeClient, createChargebeeWebhookHandler, type ChargebeeWebhookHandler } from "../../src/connectors/chargebee/index.js";
import { silentLogger } from "../../src/logging/logger.js";
import { createWebhookSyncWaker } from "../../src/sync/chargebee/webhook-waker.js";
import { startSyncHarness, type SyncHarness } from "./harness.js";

/**
 * Chargebee changes by webhook: with a receiver on, an incremental poll lists no Chargebee type (the changes are in
 * the datasets already) unless its catch-up read is due; full runs read everything. The sandbox delivers its events
 * to a receiver on this test's database, as npm start's gateway does.
 */
describe("Chargebee changes by webhook", () => {
  let h: SyncHarness;
  let handler: ChargebeeWebhookHandler | undefined;
  let refuseDeliveries = false;
  let onChanges: ((result: { changed: Array<{ system: "poweroffice" | "chargebee"; entity: string; sourceId: string }> }) => void) | undefined;
  const server = http.createServer((req, res) => {
    if (!handler || refuseDeliveries) {
      res.writeHead(503).end();
      return;
    }
    void handler(req, res);
  });
  const auth = { username: "cb-hooks", password: "test-password" };
  const catchupIntervalSeconds = 3600;

  /** Chargebee list calls (customer.list, event.list, …) made by `work`. */
  const chargebeeListCalls = async (work: () => Promise<unknown>): Promise<number> => {
    const count = () =>
      Object.entries(h.chargebee.stats().byEndpoint)
        .filter(([endpoint]) => endpoint.endsWith(".list"))
        .reduce((sum, [, stats]) => sum + stats.calls, 0);
    const before = count();
    await work();
    return count() - before;
  };
  const contactPerson = () =>
    h.po.store
      .all("ContactPersons")
      .find(
        (row) =>
          String(row.EmailAddress ?? "").includes("@") &&
          row.Id !== h.po.store.special.sharedPerson.contactPersonId &&
          row.Id !== h.po.store.special.invalidEmailContactPerson.id,
      )!;
  /** Makes the catch-up due: the Chargebee cursors last moved longer ago than the interval. */
  const ageChargebeeCursors = () =>
    h.db
      .knex("sync_cursors")
      .where({ system: "chargebee" })
      .update({ updated_at: h.db.knex.raw(`now() - interval '${catchupIntervalSeconds + 60} seconds'`) });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/chargebee`;
    h = await startSyncHarness({ chargebeeWebhook: { url, ...auth, retryScheduleMs: [] } });
    // The receiver confirms each delivery with the sandbox's API through a client of its own (fast retries).
    const chargebee = createChargebeeClient(
      { ...h.cb.clientConfig, requestsPerMinute: 0 },
      { retry: { baseDelayMs: 1, maxDelayMs: 5 }, sleep: async () => {} },
    );
    handler = createChargebeeWebhookHandler({ knex: h.db.knex, chargebee, ...auth, onChanges: (result) => onChanges?.(result) });
    h.ctx.settings = { ...h.ctx.settings, chargebeeWebhooks: { catchupIntervalSeconds } };
  });
  after(async () => {
    await h?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test("the first sync reads Chargebee in full (no cursor yet), then polls list no Chargebee type", async () => {
    assert.ok((await chargebeeListCalls(() => h.sync())) > 0, "the first read lists every Chargebee type");
    assert.equal(await chargebeeListCalls(() => h.sync()), 0);
  });

  test("a Chargebee edit delivered by webhook reaches PowerOffice with no Chargebee list call", async () => {
    const person = contactPerson();
    h.cb.store.edit("customer", `po-contactperson-${String(person.Id)}`, { first_name: "Webhookine" });
    await h.cb.webhooks.waitForIdle();
    assert.equal(h.cb.webhooks.deliveries.at(-1)?.status, 200);
    h.resetStats();
    const listCalls = await chargebeeListCalls(() => h.sync());
    assert.equal(listCalls, 0);
    assert.equal(h.po.store.get("ContactPersons", Number(person.Id))?.FirstName, "Webhookine");
    assert.deepEqual(h.writes(), { poweroffice: 1, chargebee: 0 });
  });

  test("a lost delivery waits for the catch-up read, which runs once it is due and then not again", async () => {
    const person = contactPerson();
    refuseDeliveries = true;
    h.cb.store.edit("customer", `po-contactperson-${String(person.Id)}`, { last_name: "Tapt-Levering" });
    await h.cb.webhooks.waitForIdle();
    refuseDeliveries = false;
    assert.equal(h.cb.webhooks.deliveries.at(-1)?.ok, false, "the delivery failed for good");

    assert.equal(await chargebeeListCalls(() => h.sync()), 0, "catch-up not due: Chargebee is not listed");
    assert.notEqual(h.po.store.get("ContactPersons", Number(person.Id))?.LastName, "Tapt-Levering");

    await ageChargebeeCursors();
    assert.ok((await chargebeeListCalls(() => h.sync())) > 0, "the catch-up lists Chargebee by its cursors");
    assert.equal(h.po.store.get("ContactPersons", Number(person.Id))?.LastName, "Tapt-Levering");
    assert.equal(await chargebeeListCalls(() => h.sync()), 0, "the catch-up moved the cursors: not due again");
  });

  test("a catch-up interval of 0 reads Chargebee on every poll; full runs always read everything", async () => {
    h.ctx.settings = { ...h.ctx.settings, chargebeeWebhooks: { catchupIntervalSeconds: 0 } };
    try {
      assert.ok((await chargebeeListCalls(() => h.sync())) > 0);
    } finally {
      h.ctx.settings = { ...h.ctx.settings, chargebeeWebhooks: { catchupIntervalSeconds } };
    }
    assert.ok((await chargebeeListCalls(() => h.sync({ mode: "full" }))) > 0);
    assert.ok((await chargebeeListCalls(() => h.sync({ mode: "reconcile" }))) > 0);
    assert.equal(await chargebeeListCalls(() => h.sync()), 0);
  });

  test("without webhooks every poll lists Chargebee, as before", async () => {
    const { chargebeeWebhooks, ...withoutWebhooks } = h.ctx.settings;
    assert.ok(chargebeeWebhooks);
    h.ctx.settings = withoutWebhooks;
    try {
      assert.ok((await chargebeeListCalls(() => h.sync())) > 0);
    } finally {
      h.ctx.settings = { ...withoutWebhooks, chargebeeWebhooks };
    }
  });

  test("a delivered change the sync has work for wakes a sync; one already synced, or content already stored, does not", async () => {
    const woken: string[] = [];
    const waker = createWebhookSyncWaker({ knex: h.db.knex, logger: silentLogger, delayMs: 1, requestSync: async () => woken.push("sync") });
    onChanges = waker.onChanges;
    const customerId = `po-contactperson-${String(contactPerson().Id)}`;
    try {
      h.cb.store.edit("customer", customerId, { first_name: "Vekket" });
      await h.cb.webhooks.waitForIdle();
      await waker.idle();
      assert.deepEqual(woken, ["sync"], "stored by the receiver and linked, not yet synced: a sync is woken");

      await h.sync();
      waker.onChanges({ changed: [{ system: "chargebee", entity: "customer", sourceId: customerId }] });
      await waker.idle();
      assert.deepEqual(woken, ["sync"], "synced since: no work, nothing woken");

      // A new event whose content the datasets hold already (the API knows it: the receiver only stores confirmed events).
      const stored = h.cb.store.dump("customer").find((customer) => customer.id === customerId)!;
      const sameContent = {
        id: "ev_same_content",
        event_type: "customer_changed",
        occurred_at: Math.floor(Date.now() / 1000),
        content: { customer: { ...stored } },
      };
      h.cb.store.insertSeeded("event", structuredClone(sameContent));
      const again = await handler!.handleEvent(sameContent);
      assert.deepEqual([again.duplicate, again.changed.length], [false, 0]);
      await waker.idle();
      assert.deepEqual(woken, ["sync"], "content the datasets hold already does not call the listener");
    } finally {
      onChanges = undefined;
      await waker.stop();
    }
  });
  test("a customer made in Chargebee (never linked) wakes a sync for F10; one of ours does not", async () => {
    const woken: string[] = [];
    const waker = createWebhookSyncWaker({
      knex: h.db.knex,
      logger: silentLogger,
      delayMs: 1,
      creationTypes: ["customer", "item"],
      requestSync: async () => woken.push("sync"),
    });
    try {
      await h.sync();
      waker.onChanges({ changed: [{ system: "chargebee", entity: "customer", sourceId: `po-contactperson-${String(contactPerson().Id)}` }] });
      await waker.idle();
      assert.deepEqual(woken, [], "ours, and synced");
      waker.onChanges({ changed: [{ system: "chargebee", entity: "customer", sourceId: "cb-checkout-1" }] });
      await waker.idle();
      assert.deepEqual(woken, ["sync"], "never linked: F10's work");
    } finally {
      await waker.stop();
    }
  });
  test("a change delivered while a check runs is checked after it, never by a second check alongside", async () => {
    let running = 0;
    let mostAtOnce = 0;
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const calls: number[] = [];
    const waker = createWebhookSyncWaker({
      knex: h.db.knex,
      logger: silentLogger,
      delayMs: 1,
      requestSync: async () => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        calls.push(calls.length + 1);
        if (calls.length === 1) await firstHeld;
        running -= 1;
      },
    });
    const customerId = `po-contactperson-${String(contactPerson().Id)}`;
    const delivered = { changed: [{ system: "chargebee" as const, entity: "customer", sourceId: customerId }] };
    try {
      h.cb.store.edit("customer", customerId, { first_name: "Under sjekk" });
      await h.cb.webhooks.waitForIdle();
      waker.onChanges(delivered);
      while (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      waker.onChanges(delivered);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(calls.length, 1, "the second delivery waits for the check in progress");
      let idle = false;
      const idlePromise = waker.idle().then(() => (idle = true));
      assert.equal(idle, false);
      releaseFirst();
      await idlePromise;
      assert.deepEqual([calls.length, mostAtOnce], [2, 1], "checked again after the first check, one at a time");
    } finally {
      releaseFirst();
      await waker.stop();
      await h.sync();
    }
  });
});
