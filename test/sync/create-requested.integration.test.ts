/**
 * createCustomer's record is made once per run: a run job tried again (after a crash between the create and the
 * run's bookkeeping) finds the record it made, in either system, and makes no second one.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { getRecords } from "../../src/datasets/read-records.js";
import { createRequestedRecord } from "../../src/sync/runs/create-requested.js";
import { startSyncHarness, type SyncHarness } from "./harness.js";

describe("createCustomer's record is made exactly once per run", () => {
  let h: SyncHarness;
  before(async () => {
    h = await startSyncHarness();
  });
  after(async () => h?.close());

  test("PowerOffice: the second attempt finds the customer by its ExternalImportReference", async () => {
    const runId = randomUUID();
    const values = {
      email: "en.gang@eksempel.no",
      firstName: "En",
      lastName: "Gang",
      address: { line1: null, city: "Bergen", zip: "5003", country: "NO" },
    };
    const request = { system: "poweroffice" as const, kind: "customer" as const, values };
    const first = await createRequestedRecord(h.ctx, runId, request);
    const second = await createRequestedRecord(h.ctx, runId, request);
    assert.deepEqual(second, first);
    const made = h.po.store.all("Customers").filter((row) => row.ExternalImportReference === `gw-${runId}`);
    assert.equal(made.length, 1);
    assert.deepEqual([made[0]!.IsPerson, made[0]!.FirstName, made[0]!.EmailAddress], [true, "En", "en.gang@eksempel.no"]);
    const [stored] = await getRecords(h.db.knex, "poweroffice", "Customer", [first.sourceId]);
    assert.equal(stored?.data.ExternalImportReference, `gw-${runId}`, "the record is in the dataset for the record run");
    const pending = await h.db.knex("outbox").where({ lookup_key: `gw-${runId}`, status: "pending" });
    assert.deepEqual(pending, [], "the outbox intents are settled");
  });

  test("Chargebee: the second attempt answers the first create (our id), with no second customer", async () => {
    const runId = randomUUID();
    const request = { system: "chargebee" as const, kind: "customer" as const, values: { email: "post@en-gang.no", company: "En Gang AS" } };
    const first = await createRequestedRecord(h.ctx, runId, request);
    const second = await createRequestedRecord(h.ctx, runId, request);
    assert.deepEqual(second, first);
    assert.equal(first.sourceId, `gw-${runId}`);
    const made = h.cb.store.dump("customer").filter((row) => row.id === `gw-${runId}`);
    assert.equal(made.length, 1);
    assert.deepEqual([made[0]!.company, made[0]!.email], ["En Gang AS", "post@en-gang.no"]);
  });
});
