import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ADMIN_CONTEXT } from "../../src/connectors/chargebee/sandbox/store.js";
import { recordIntent } from "../../src/sync/tables/outbox.js";
import { startSyncHarness, type SyncHarness } from "./harness.js";

/**
 * F10 and F11 end to end on both sandboxes: records born in Chargebee reach PowerOffice once, match what is there
 * instead of duplicating it, never come back for records we made, and survive a crash between the create and its
 * commit. The tests run in order on one harness.
 */
describe("Chargebee-born records reach PowerOffice (F10, F11)", () => {
  let h: SyncHarness;
  const poCustomersFor = (chargebeeId: string) => h.po.store.all("Customers").filter((row) => row.ExternalImportReference === chargebeeId);
  const activeLinks = (system: string, sourceId: string) => h.db.knex("links").where({ system, source_id: sourceId }).whereNot("status", "deleted");

  before(async () => {
    h = await startSyncHarness();
  });
  after(async () => h?.close());

  test("a first sync creates a PowerOffice customer or product for each unlinked Chargebee one, with the mapped fields", async () => {
    const person = h.cb.store.createCustomer(
      { id: "cb-born-person", first_name: "Sigrid", last_name: "Undset", email: "sigrid@lillehammer-demo.no" },
      ADMIN_CONTEXT,
    );
    const company = h.cb.store.createCustomer(
      { id: "cb-born-company", company: "Bjerkebæk Forlag AS", email: "post@bjerkebaek-demo.no" },
      ADMIN_CONTEXT,
    );
    h.cb.store.createItem(
      { id: "cb-born-plan", name: "Forlagsabonnement", item_family_id: String(h.cb.store.dump("item")[0]!.item_family_id), type: "plan" },
      ADMIN_CONTEXT,
    );
    const counts = await h.sync();
    assert.equal(counts.errors, 0);

    const [poPerson] = poCustomersFor(String(person.id));
    assert.ok(poPerson, "the Chargebee person has a PowerOffice customer");
    assert.deepEqual(
      [poPerson.IsPerson, poPerson.FirstName, poPerson.LastName, poPerson.EmailAddress],
      [true, "Sigrid", "Undset", "sigrid@lillehammer-demo.no"],
    );
    const [poCompany] = poCustomersFor(String(company.id));
    assert.deepEqual([poCompany?.IsPerson, poCompany?.Name, poCompany?.EmailAddress], [false, "Bjerkebæk Forlag AS", "post@bjerkebaek-demo.no"]);
    const product = h.po.store.all("Products").find((row) => row.Code === "cb-born-plan");
    assert.deepEqual([product?.Name, product?.ProductType], ["Forlagsabonnement", "Service"]);

    // Each pair is linked under the flow that keeps it in sync from now on.
    assert.deepEqual(
      (await activeLinks("chargebee", "cb-born-person")).map((link) => link.flow),
      ["F3"],
    );
    assert.deepEqual(
      (await activeLinks("chargebee", "cb-born-company")).map((link) => link.flow),
      ["F4"],
    );
    assert.deepEqual(
      (await activeLinks("chargebee", "cb-born-plan")).map((link) => link.flow),
      ["F7"],
    );
    assert.equal((await h.db.knex("outbox").where({ system: "poweroffice", status: "pending" })).length, 0);
  });

  test("records the sync made in Chargebee never come back as new PowerOffice records", async () => {
    // One of ours whose link was never committed (a crash right after the Chargebee create): still not carried back.
    h.cb.store.createCustomer(
      { id: "po-contactperson-999999", first_name: "Lost", last_name: "Commit", email: "lost.commit@demo.no" },
      ADMIN_CONTEXT,
    );
    await h.sync();
    const state = await h.db.knex("sync_record_state").where({ flow: "F10", source_id: "po-contactperson-999999" }).first();
    assert.match(state.reason, /not carried to PowerOffice: made by this sync for a PowerOffice record/);
    const echoes = h.po.store.all("Customers").filter((row) => String(row.ExternalImportReference ?? "").startsWith("po-"));
    assert.deepEqual(echoes, []);
    const products = h.po.store.all("Products").filter((row) => String(row.Code ?? "").startsWith("po-"));
    assert.deepEqual(products, []);
  });

  test("a second sync writes nothing, and a third sees nothing", async () => {
    h.resetStats();
    await h.sync();
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 });
    const third = await h.sync();
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 });
    assert.equal(third.seen, 0);
  });

  test("an edit in Chargebee of a customer born there reaches PowerOffice through F3", async () => {
    h.cb.store.edit("customer", "cb-born-person", { last_name: "Undset-Svarstad" });
    await h.sync();
    assert.equal(poCustomersFor("cb-born-person")[0]?.LastName, "Undset-Svarstad");
  });

  test("a Chargebee customer whose email is a PowerOffice contact person's links to it and creates nothing", async () => {
    const customer = h.po.store.all("Customers").find((row) => row.IsPerson !== true)!;
    const contact = h.po.store.create(
      "ContactPersons",
      { FirstName: "Olav", LastName: "Duun", EmailAddress: "olav.duun@namsos-demo.no" },
      Number(customer.Id),
    );
    h.cb.store.createCustomer({ id: "cb-olav", first_name: "Olav", last_name: "Duun", email: "OLAV.DUUN@namsos-demo.no" }, ADMIN_CONTEXT);
    h.resetStats();
    // F10 alone: the contact person is not linked yet, so F10 finds it by its case-folded email.
    await h.sync({ flows: ["F10"] });
    assert.equal(h.writes().poweroffice, 0, "nothing is created in PowerOffice");
    assert.deepEqual(poCustomersFor("cb-olav"), []);
    const links = await activeLinks("poweroffice", String(contact.Id));
    assert.deepEqual(
      links.map((link) => link.flow),
      ["F1"],
    );
    const chargebeeSide = await activeLinks("chargebee", "cb-olav");
    assert.deepEqual(
      chargebeeSide.map((link) => [link.flow, link.unified_id]),
      [["F1", links[0].unified_id]],
    );
    // The next sync compares the pair as a new link (nothing to write: both say the same).
    h.resetStats();
    await h.sync();
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 });
  });

  test("a Chargebee company named like a PowerOffice company without orders links to it (F4 keeps it from then on)", async () => {
    const company = h.po.store.create("Customers", { IsPerson: false, Name: "Hamsun Gård AS", EmailAddress: "post@hamsun-demo.no" });
    await h.sync();
    assert.deepEqual(await activeLinks("poweroffice", String(company.Id)).then((rows) => rows.filter((row) => row.flow === "F4")), []);
    h.cb.store.createCustomer({ id: "cb-hamsun", company: "Hamsun Gård AS", email: "faktura@hamsun-demo.no" }, ADMIN_CONTEXT);
    await h.sync();
    assert.deepEqual(poCustomersFor("cb-hamsun"), [], "no second company");
    assert.deepEqual(
      (await activeLinks("chargebee", "cb-hamsun")).map((link) => link.flow),
      ["F4"],
    );
    await h.sync();
    // A first link: the differing email goes to the newer change, and both sides then say the same.
    const email = h.po.store.get("Customers", Number(company.Id))?.EmailAddress;
    assert.ok(email === "faktura@hamsun-demo.no" || email === "post@hamsun-demo.no");
    assert.equal(h.cb.store.raw("customer", "cb-hamsun")?.email, email);
  });

  test("a match already linked elsewhere is not duplicated: the record is reported with what to do", async () => {
    const linkedPerson = h.po.store.all("ContactPersons").find((row) => row.EmailAddress && !String(row.EmailAddress).includes("@@"))!;
    h.cb.store.createCustomer(
      { id: "cb-duplicate", first_name: "Dup", last_name: "Likat", email: String(linkedPerson.EmailAddress).toUpperCase() },
      ADMIN_CONTEXT,
    );
    h.resetStats();
    await h.sync();
    assert.equal(h.writes().poweroffice, 0);
    const state = await h.db.knex("sync_record_state").where({ flow: "F10", source_id: "cb-duplicate" }).first();
    assert.equal(state.status, "unmatched");
    assert.match(
      state.reason,
      /is linked to Chargebee .* already, so it is not created a second time: merge the two in Chargebee, or link cb-duplicate by hand/,
    );
  });

  test("a Chargebee customer PowerOffice cannot take is quarantined with the reason, and the rest go on", async () => {
    h.cb.store.createCustomer({ id: "cb-no-email", first_name: "Uten", last_name: "Epost" }, ADMIN_CONTEXT);
    h.cb.store.createCustomer({ id: "cb-fine", first_name: "Med", last_name: "Epost", email: "med.epost@demo.no" }, ADMIN_CONTEXT);
    await h.sync();
    const entry = await h.db.knex("quarantine").where({ flow: "F10", source_id: "cb-no-email", status: "open" }).first();
    assert.match(entry.reason, /has no email, and PowerOffice needs one to send its invoices: add an email in Chargebee/);
    assert.equal(poCustomersFor("cb-fine").length, 1);
  });

  test("a crash between the PowerOffice create and the commit leaves exactly one PowerOffice record", async () => {
    h.cb.store.createCustomer({ id: "cb-crash", company: "Krasj og Brann AS", email: "post@krasj-demo.no" }, ADMIN_CONTEXT);
    // What a worker killed after its call leaves: the intent pending, the record made in PowerOffice, no link.
    await recordIntent(h.db.knex, {
      system: "poweroffice",
      entity: "Customer",
      operation: "create",
      flow: "F10",
      lookupKey: "cb-crash",
      payload: { chargebeeEntity: "customer", chargebeeId: "cb-crash" },
    });
    h.po.store.create("Customers", {
      IsPerson: false,
      Name: "Krasj og Brann AS",
      EmailAddress: "post@krasj-demo.no",
      ExternalImportReference: "cb-crash",
    });
    await h.sync();
    assert.equal(poCustomersFor("cb-crash").length, 1, "found again by ExternalImportReference, not created twice");
    assert.deepEqual(
      (await activeLinks("chargebee", "cb-crash")).map((link) => link.flow),
      ["F4"],
    );
    assert.deepEqual(
      (await h.db.knex("outbox").where({ system: "poweroffice", status: "pending" })).map((row) => [row.lookup_key, row.attempts]),
      [],
    );
  });
});

describe("SYNC_CREATE and SYNC_CREATE_OFF", () => {
  test("SYNC_CREATE=poweroffice: Chargebee-born records are reported, not created", async () => {
    const h = await startSyncHarness({ create: "poweroffice" });
    try {
      h.cb.store.createCustomer({ id: "cb-stays", first_name: "Blir", last_name: "Igjen", email: "blir.igjen@demo.no" }, ADMIN_CONTEXT);
      await h.sync();
      assert.deepEqual(
        h.po.store.all("Customers").filter((row) => row.ExternalImportReference === "cb-stays"),
        [],
      );
      const state = await h.db.knex("sync_record_state").where({ flow: "F10", source_id: "cb-stays" }).first();
      assert.equal(state.status, "unmatched");
      assert.match(state.reason, /SYNC_CREATE=poweroffice creates only records born in PowerOffice/);
      assert.ok((await h.db.knex("links").where({ flow: "F1" })).length > 0, "PowerOffice-born records are still created in Chargebee");
    } finally {
      await h.close();
    }
  });

  test("SYNC_CREATE_OFF=F11,F1: those flows create nothing, the others do", async () => {
    const h = await startSyncHarness({ createOff: ["F11", "F1"] });
    try {
      await h.sync();
      assert.deepEqual(
        h.po.store.all("Products").filter((row) => String(row.Code ?? "").startsWith("cb-")),
        [],
      );
      assert.equal(h.cb.store.dump("customer").filter((row) => String(row.id).startsWith("po-contactperson-")).length, 0);
      assert.ok(h.cb.store.dump("customer").some((row) => String(row.id).startsWith("po-employee-")));
      const reasons = await h.db.knex("sync_record_state").where({ flow: "F1", status: "unmatched" }).pluck("reason");
      assert.ok(reasons.length > 0 && reasons.every((reason: string) => /SYNC_CREATE_OFF lists F1/.test(reason)));
    } finally {
      await h.close();
    }
  });
});
