// One bad record must never stop the rest, and a run that missed records must not say it succeeded.
// Runs go through the job queue (a worker in this process) against both sandboxes, on whichever database the suite
// runs on (PostgreSQL with DATABASE_URL, the embedded one otherwise).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { pino } from "pino";
import { renderSyncMetrics } from "../../gateway/sync-metrics.js";
import type { Logger } from "../../src/logging/logger.js";
import { startSyncHarness, type SyncHarness } from "./harness.js";
import { startQueuedSync, type QueuedSync } from "./support/queued-sync.js";

let h: SyncHarness;
let sync: QueuedSync;
const logLines: Array<{ level: number; msg: string }> = [];

/** A logger whose lines the test reads (warnings and errors only). */
function capturingLogger(): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) logLines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  return pino({ level: "warn" }, sink);
}

function companyId(): number {
  return Number(h.po.store.all("Customers").find((row) => !row.IsPerson)!.Id);
}

function newContactPerson(fields: Record<string, unknown>): string {
  return String(h.po.store.create("ContactPersons", fields, companyId()).Id);
}

async function chargebeeCustomerOf(contactPersonId: string): Promise<Record<string, unknown> | undefined> {
  const link = await h.db
    .knex("links as p")
    .join("links as c", "c.unified_id", "p.unified_id")
    .where({ "p.flow": "F1", "p.system": "poweroffice", "p.source_id": contactPersonId, "c.system": "chargebee", "c.status": "active" })
    .first("c.source_id");
  return link ? h.cb.store.dump("customer").find((row) => row.id === link.source_id) : undefined;
}

async function openQuarantine(flow: string, sourceId: string): Promise<{ reason: string } | undefined> {
  return h.db.knex("quarantine").where({ flow, source_id: sourceId, status: "open" }).first("reason");
}

describe("bad records never stop the rest; runs say what they missed", () => {
  before(async () => {
    h = await startSyncHarness();
    sync = await startQueuedSync(h, { logger: capturingLogger(), env: { SYNC_READ_FAILURE_ALERT_AFTER: "2" } });
  });

  after(async () => {
    await sync?.stop();
    await h?.close();
  });

  test("a contact person with a NUL in its first name is quarantined with the reason; the ones after it sync", async () => {
    const bad = newContactPerson({ FirstName: "Nul\u0000Name", LastName: "Nordmann", EmailAddress: "nul.name@example.no" });
    const goodBefore = newContactPerson({ FirstName: "Anne", LastName: "Før", EmailAddress: "anne.for@example.no" });
    const first = await sync.run({ flows: ["F1"] });
    assert.equal(first.status, "succeeded", first.error ?? "");
    assert.ok(first.counts.quarantined >= 1);
    assert.match(
      (await openQuarantine("F1", bad))!.reason,
      /FirstName contains a NUL character \(U\+0000\) at position 4.*correct it in PowerOffice Go/,
    );
    assert.equal((await chargebeeCustomerOf(goodBefore))?.first_name, "Anne");
    assert.equal(await chargebeeCustomerOf(bad), undefined, "nothing was written for the bad record");

    const stored = await h.db
      .knex("dataset_records")
      .where({ system: "poweroffice", entity: "ContactPerson", source_id: bad })
      .first("data", "raw_json", "data_issues");
    assert.equal(stored.data.FirstName, "Nul\u2400Name", "the stored copy shows where the NUL was");
    assert.equal(JSON.parse(stored.raw_json).FirstName, "Nul\u0000Name", "the raw copy keeps the exact original");
    assert.deepEqual(stored.data_issues, [{ path: "FirstName", problem: "contains a NUL character (U+0000) at position 4" }]);

    // Later runs are not stopped by it: new and changed people keep arriving.
    const goodAfter = [1, 2, 3].map((n) => newContactPerson({ FirstName: `Etter${n}`, LastName: "Kollega", EmailAddress: `etter.${n}@example.no` }));
    const second = await sync.run({ flows: ["F1"] });
    assert.equal(second.status, "succeeded", second.error ?? "");
    for (const [index, id] of goodAfter.entries()) assert.equal((await chargebeeCustomerOf(id))?.first_name, `Etter${index + 1}`);
    assert.equal(second.counts.quarantined, 0, "the bad record is not tried again until it changes");

    h.po.store.edit("ContactPersons", Number(bad), { FirstName: "Nora" });
    const third = await sync.run({ flows: ["F1"] });
    assert.equal(third.status, "succeeded", third.error ?? "");
    assert.equal((await chargebeeCustomerOf(bad))?.first_name, "Nora", "fixed at the source, it syncs");
    assert.equal(await openQuarantine("F1", bad), undefined, "and its quarantine entry is resolved");
  });

  test("a NUL in an email and half a surrogate pair in a last name: both quarantined, naming the field", async () => {
    const nulEmail = newContactPerson({ FirstName: "Epost", LastName: "Feil", EmailAddress: "epost\u0000feil@example.no" });
    const surrogate = newContactPerson({ FirstName: "Halv", LastName: "Par\ud800", EmailAddress: "halv.par@example.no" });
    const good = newContactPerson({ FirstName: "Hel", LastName: "Person", EmailAddress: "hel.person@example.no" });
    const run = await sync.run({ flows: ["F1"] });
    assert.equal(run.status, "succeeded", run.error ?? "");
    assert.match((await openQuarantine("F1", nulEmail))!.reason, /EmailAddress contains a NUL character/);
    assert.match((await openQuarantine("F1", surrogate))!.reason, /LastName contains half of a UTF-16 surrogate pair \(U\+D800\) at position 4/);
    assert.equal((await chargebeeCustomerOf(good))?.last_name, "Person");
  });

  test("a source that cannot be read ends the run PARTIAL with the reason; after two runs it is raised; then it recovers", async () => {
    const fault = h.po.faults.inject({ kind: "status", status: 500, method: "GET", pathIncludes: "/ContactPersons" });
    const failed = await sync.run({ flows: ["F1"] });
    assert.equal(failed.status, "partial");
    assert.equal(failed.detail.read?.incomplete?.[0]?.source, "poweroffice.ContactPerson");
    assert.match(failed.error ?? "", /could not read poweroffice\.ContactPerson completely \(.*500.*\); the next run reads it again/);

    const again = await sync.run({ flows: ["F1"] });
    assert.equal(again.status, "partial");
    const health = await h.db.knex("sync_source_health").where({ source: "poweroffice.ContactPerson" }).first();
    assert.equal(health.consecutive_failures, 2);
    assert.ok(
      logLines.some((line) => line.level === 50 && /poweroffice\.ContactPerson has failed to read in 2 runs in a row/.test(line.msg)),
      "raised at error level",
    );
    const metrics = await renderSyncMetrics(h.db.knex, { readFailureAlertAfter: 2 });
    assert.match(metrics, /sync_source_consecutive_read_failures\{source="poweroffice\.ContactPerson"\} 2/);
    assert.match(metrics, /sync_source_read_failing\{source="poweroffice\.ContactPerson"\} 1/);
    assert.match(metrics, /sync_last_finished_run_info\{status="partial",mode="incremental"\} 1/);

    h.po.faults.remove(fault);
    const recovered = await sync.run({ flows: ["F1"] });
    assert.equal(recovered.status, "succeeded", recovered.error ?? "");
    assert.deepEqual(recovered.detail.read?.recovered, ["poweroffice.ContactPerson"], "the next good run says it recovered");
    assert.match(
      await renderSyncMetrics(h.db.knex, { readFailureAlertAfter: 2 }),
      /sync_source_read_failing\{source="poweroffice\.ContactPerson"\} 0/,
    );
  });

  test("records left after errors that are not theirs end the run PARTIAL; the next run writes them", async () => {
    const waiting = [1, 2].map((n) => newContactPerson({ FirstName: `Nettverk${n}`, LastName: "Feil", EmailAddress: `nettverk.${n}@example.no` }));
    h.cb.faults.inject({ kind: "unavailable", method: "POST", pathIncludes: "/customers", count: 1000 });
    const partial = await sync.run({ flows: ["F1"] });
    h.cb.faults.clear();
    assert.equal(partial.status, "partial");
    assert.equal(partial.counts.errors, 2, "both records were left for the next run");
    assert.equal(partial.counts.quarantined, 0, "they are not quarantined: it was not their fault");
    assert.match(partial.error ?? "", /2 record\(s\) were left unprocessed after errors that were not theirs/);
    const next = await sync.run({ flows: ["F1"] });
    assert.equal(next.status, "succeeded", next.error ?? "");
    for (const id of waiting) assert.ok(await chargebeeCustomerOf(id), `contact person ${id} reached Chargebee`);
  });
});
