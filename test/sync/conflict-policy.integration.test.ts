import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseConflictPolicy } from "../../src/config/conflict-policy.js";
import { resolveConflict } from "../../src/sync/commands/index.js";
import { startSyncHarness, type SyncHarness } from "./harness.js";

/**
 * SYNC_CONFLICT_POLICY end to end on both sandboxes: F1's firstName goes to Chargebee, its lastName waits for a person,
 * everything else keeps "newest". The tests run in order on one harness, as successive syncs do.
 */
describe("conflict policy per field", () => {
  let h: SyncHarness;
  let personId: number;
  let customerId: string;
  const poPerson = () => h.po.store.get("ContactPersons", personId)!;
  const cbCustomer = () => h.cb.store.raw("customer", customerId) as Record<string, unknown>;
  const conflictsOf = (field: string) => h.db.knex("conflicts").where({ flow: "F1", field }).orderBy("id");
  /** PowerOffice's next edit is an hour newer than anything Chargebee has (as a later edit would be). */
  const powerOfficeLater = () => h.po.store.raw.clock.advancePast((Date.now() + 3_600_000) * 1000);

  before(async () => {
    h = await startSyncHarness({ conflictPolicy: parseConflictPolicy("F1.firstName=chargebee,F1.lastName=manual").rules });
    await h.sync();
    const person = h.po.store
      .all("ContactPersons")
      .filter((row) => row.EmailAddress && !String(row.EmailAddress).includes("@@"))
      .find((row) => row.Id !== h.po.store.special.sharedPerson.contactPersonId)!;
    personId = Number(person.Id);
    customerId = `po-contactperson-${personId}`;
    assert.ok(cbCustomer(), "the contact person was synced to Chargebee");
  });
  after(async () => h?.close());

  test("chargebee: Chargebee's value wins although PowerOffice's change is newer", async () => {
    h.cb.store.edit("customer", customerId, { first_name: "Fra-Chargebee" });
    powerOfficeLater();
    h.po.store.edit("ContactPersons", personId, { FirstName: "Fra-PowerOffice" });
    const counts = await h.sync();
    assert.equal(counts.conflicts, 1);
    assert.equal(poPerson().FirstName, "Fra-Chargebee");
    assert.equal(cbCustomer().first_name, "Fra-Chargebee");
    const [conflict] = await conflictsOf("firstName");
    assert.deepEqual(
      [conflict.policy, conflict.winner, conflict.reason, conflict.poweroffice_value, conflict.status],
      ["chargebee", "chargebee", "SYNC_CONFLICT_POLICY: Chargebee wins for firstName", "Fra-PowerOffice", "open"],
    );
  });

  test("manual: both sides keep their value, and one open conflict without a winner waits", async () => {
    h.cb.store.edit("customer", customerId, { last_name: "Chargebee-Etternavn" });
    powerOfficeLater();
    h.po.store.edit("ContactPersons", personId, { LastName: "PowerOffice-Etternavn" });
    h.resetStats();
    const counts = await h.sync();
    assert.equal(counts.conflicts, 1);
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 }, "neither side is written");
    assert.equal(poPerson().LastName, "PowerOffice-Etternavn");
    assert.equal(cbCustomer().last_name, "Chargebee-Etternavn");
    const rows = await conflictsOf("lastName");
    assert.deepEqual(
      rows.map((row) => [row.policy, row.winner, row.status, row.poweroffice_value, row.chargebee_value]),
      [["manual", null, "open", "PowerOffice-Etternavn", "Chargebee-Etternavn"]],
    );
    assert.match(rows[0].reason, /neither side is written until resolveConflict decides/);
  });

  test("manual: another field's change still travels, and the waiting conflict stays one row with the latest values", async () => {
    h.cb.store.edit("customer", customerId, { last_name: "Chargebee-Etternavn-2" });
    powerOfficeLater();
    h.po.store.edit("ContactPersons", personId, { FirstName: "Kari-Ny" });
    h.resetStats();
    await h.sync();
    assert.equal(cbCustomer().first_name, "Kari-Ny", "the first name went to Chargebee");
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 1 });
    assert.equal(poPerson().LastName, "PowerOffice-Etternavn");
    const rows = await conflictsOf("lastName");
    assert.deepEqual(
      rows.map((row) => [row.status, row.poweroffice_value, row.chargebee_value]),
      [["open", "PowerOffice-Etternavn", "Chargebee-Etternavn-2"]],
    );
  });

  test("manual: resolveConflict decides, the next sync writes the chosen value, and a further sync writes nothing", async () => {
    const [open] = await conflictsOf("lastName");
    await resolveConflict(h.db.knex, { conflictId: open.id, winner: "chargebee", resolvedBy: "test" });
    await h.sync();
    assert.equal(poPerson().LastName, "Chargebee-Etternavn-2");
    assert.equal(cbCustomer().last_name, "Chargebee-Etternavn-2");
    const [resolved] = await conflictsOf("lastName");
    assert.deepEqual([resolved.status, resolved.resolved_by], ["resolved", "test"]);
    h.resetStats();
    await h.sync();
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 });
  });

  test("manual: a waiting conflict whose sides are made equal by hand is settled by the sync", async () => {
    h.cb.store.edit("customer", customerId, { last_name: "Berg" });
    powerOfficeLater();
    h.po.store.edit("ContactPersons", personId, { LastName: "Dal" });
    await h.sync();
    assert.equal((await conflictsOf("lastName")).filter((row) => row.status === "open").length, 1);
    h.cb.store.edit("customer", customerId, { last_name: "Dal" });
    h.resetStats();
    await h.sync();
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 });
    const rows = await conflictsOf("lastName");
    assert.deepEqual(
      rows.map((row) => [row.status, row.resolved_by]),
      [
        ["resolved", "test"],
        ["resolved", "sync: both sides hold the same value"],
      ],
    );
  });

  test("fields no rule names keep the newest change", async () => {
    const email = String(poPerson().EmailAddress);
    h.cb.store.edit("customer", customerId, { email: `cb.${email}` });
    powerOfficeLater();
    h.po.store.edit("ContactPersons", personId, { EmailAddress: `po.${email}` });
    await h.sync();
    assert.equal(cbCustomer().email, `po.${email}`);
    const [conflict] = await conflictsOf("email");
    assert.deepEqual([conflict.policy, conflict.winner, conflict.reason], ["newest", "poweroffice", "the newer change wins"]);
  });
});
