// Two Chargebee clients on one site budget kept in the database, as two processes have them: a 429 one of them meets
// holds the other one's requests until Chargebee's Retry-After has passed.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/database.js";
import { PostgresBudgetStateStore, sqlRunnerFromKnex } from "../rate-budget/index.js";
import { ChargebeeApiError, createChargebeeClient } from "./index.js";
import { startChargebeeSandbox, type ChargebeeSandbox } from "./sandbox/index.js";

let db: TestDatabase;
let sandbox: ChargebeeSandbox;

before(async () => {
  db = await createTestDatabase();
  sandbox = await startChargebeeSandbox({ size: "demo", seed: 3 });
});
after(async () => {
  await sandbox?.close();
  await db?.dispose();
});

/** A client as another process would build it: a store of its own (its own cache) on the same database. */
function processClient() {
  return createChargebeeClient(sandbox.clientConfig, { budgetStore: new PostgresBudgetStateStore(sqlRunnerFromKnex(db.knex)) });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Chargebee clients sharing the site's budget", () => {
  test("a 429 with Retry-After met by one client holds the other client's requests until it has passed", async () => {
    const [one, two] = [processClient(), processClient()];
    sandbox.faults.inject({ kind: "rate_limit", count: 1, pathIncludes: "/customers/cb-cust-000005", retryAfterSeconds: 2 });
    const first = one.retrieveCustomer("cb-cust-000005");
    await sleep(300);
    const second = await two.retrieveCustomer("cb-cust-000006");
    assert.equal(second?.id, "cb-cust-000006");
    assert.equal((await first)?.id, "cb-cust-000005");
    const log = sandbox.requestLog.list({ pathIncludes: "/customers/cb-cust-00000" });
    const refusedAt = Date.parse(log.find((entry) => entry.status === 429)!.at);
    const otherAt = Date.parse(log.find((entry) => entry.path.endsWith("/cb-cust-000006"))!.at);
    console.log(`# the other client's request went out ${otherAt - refusedAt} ms after the 429 (Retry-After: 2 s)`);
    assert.ok(otherAt - refusedAt >= 1_900, `the other client waited ${otherAt - refusedAt} ms`);
    await Promise.all([one.close(), two.close()]);
  });

  test("a call with a narrowed policy (the webhook receiver's) does not wait out a long block another client met", async () => {
    const [one, receiver] = [processClient(), processClient()];
    sandbox.store.edit("customer", "cb-cust-000004", { first_name: "Blokk" });
    const eventId = String(sandbox.store.dump("event").at(-1)!.id);
    sandbox.faults.inject({ kind: "rate_limit", count: 1, pathIncludes: `/events/${eventId}`, retryAfterSeconds: 30 });
    await assert.rejects(one.retrieveEvent(eventId, { retry: { maxDelayMs: 1_000 } }), ChargebeeApiError);
    await sleep(100); // the block travels to the database with one's next exchange
    const sent = sandbox.requestLog.list({ pathIncludes: `/events/${eventId}` }).length;
    const began = Date.now();
    await assert.rejects(receiver.retrieveEvent(eventId, { retry: { maxRetries: 2, maxDelayMs: 1_000 } }), (error: unknown) => {
      assert.ok(error instanceof ChargebeeApiError);
      assert.equal(error.httpStatus, 429);
      return true;
    });
    assert.ok(Date.now() - began < 1_000, "answered at once");
    assert.equal(sandbox.requestLog.list({ pathIncludes: `/events/${eventId}` }).length, sent, "nothing was sent during the block");
    await Promise.all([one.close(), receiver.close()]);
  });
});
