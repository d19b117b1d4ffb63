import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startSyncHarness, type SyncHarness } from "./harness.js";

/**
 * A customer's address both ways (F3, F4): PowerOffice's MailAddress ↔ Chargebee's billing_address, with the
 * vendors' rules: Chargebee changes a billing address only through update_billing_info, and PowerOffice does not move
 * a customer's LastChangedDateTimeOffset for an address-only change (so only a full read sees it).
 */
describe("billing address ↔ mail address", () => {
  let h: SyncHarness;
  let customerId: number;
  let chargebeeId: string;
  const poCustomer = () => h.po.store.get("Customers", customerId)!;
  const billing = () => (h.cb.store.raw("customer", chargebeeId) as Record<string, unknown>).billing_address as Record<string, unknown> | undefined;
  const mail = () => poCustomer().MailAddress as Record<string, unknown>;
  const parts = (address: Record<string, unknown> | undefined) =>
    address && { line1: address.line1, city: address.city, zip: address.zip, country: address.country };

  before(async () => {
    h = await startSyncHarness();
    const person = h.po.store
      .all("Customers")
      .find(
        (row) =>
          row.IsPerson === true &&
          row.MailAddress &&
          typeof row.EmailAddress === "string" &&
          !row.EmailAddress.includes("(at)") &&
          row.Id !== h.po.store.special.sharedPerson.personCustomerId,
      )!;
    customerId = Number(person.Id);
    chargebeeId = `po-customer-${customerId}`;
    await h.sync();
  });
  after(async () => h?.close());

  test("a PowerOffice customer reaches Chargebee with its mail address as billing address", () => {
    const address = mail();
    assert.deepEqual(parts(billing()), { line1: address.AddressLine1, city: address.City, zip: address.ZipCode, country: address.CountryCode });
  });

  test("a billing address changed in Chargebee reaches PowerOffice's MailAddress, and AddressLine2 stays", async () => {
    h.po.store.edit("Customers", customerId, { MailAddress: { ...mail(), AddressLine2: "Oppgang B" } });
    await h.sync({ mode: "full" });
    h.cb.store.edit("customer", chargebeeId, {
      billing_address: { ...billing(), line1: "Kongens gate 1", city: "Trondheim", zip: "7011", country: "NO" },
    });
    h.resetStats();
    await h.sync();
    assert.deepEqual(
      [mail().AddressLine1, mail().AddressLine2, mail().City, mail().ZipCode, mail().CountryCode],
      ["Kongens gate 1", "Oppgang B", "Trondheim", "7011", "NO"],
    );
    assert.deepEqual(h.writes(), { poweroffice: 1, chargebee: 0 });
    h.resetStats();
    await h.sync();
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 }, "the PowerOffice echo is no change");
  });

  test("an address-only edit in PowerOffice keeps the customer's timestamp: an incremental run misses it, a full run carries it with update_billing_info", async () => {
    const before = poCustomer().LastChangedDateTimeOffset;
    h.po.store.edit("Customers", customerId, { MailAddress: { ...mail(), AddressLine1: "Munkegata 5" } });
    assert.equal(poCustomer().LastChangedDateTimeOffset, before, "the sandbox keeps PowerOffice's rule");
    h.resetStats();
    await h.sync();
    assert.equal(billing()?.line1, "Kongens gate 1", "an incremental run cannot see it");
    await h.sync({ mode: "full" });
    assert.equal(billing()?.line1, "Munkegata 5");
    const calls = h.chargebee.stats().byEndpoint;
    assert.equal(calls["customer.update_billing_info"]?.calls, 1);
    assert.equal(calls["customer.update"], undefined, "nothing else changed, so no plain update");
    h.resetStats();
    await h.sync({ mode: "full" });
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 });
  });

  test("Chargebee's update refuses a billing address; update_billing_info takes it", async () => {
    await assert.rejects(
      h.chargebee.updateCustomer(chargebeeId, { billing_address: { city: "Oslo" } } as never),
      /billing_address cannot be changed here; use POST \/customers\/\{id\}\/update_billing_info/,
    );
    const updated = await h.chargebee.updateCustomerBillingInfo(chargebeeId, {
      billing_address: { line1: "Munkegata 5", city: "Trondheim", zip: "7011", country: "NO" },
    });
    assert.equal(updated.billing_address?.line1, "Munkegata 5");
  });

  test("a billing address without a zip cannot go to PowerOffice: quarantined with what to add", async () => {
    h.cb.store.edit("customer", chargebeeId, { billing_address: { line1: "Uten postnummer 1", city: "Trondheim", country: "NO" } });
    const counts = await h.sync();
    assert.equal(counts.quarantined, 1);
    assert.equal(mail().AddressLine1, "Munkegata 5", "PowerOffice keeps its address");
    const entry = await h.db
      .knex("quarantine")
      .where({ flow: "F3", status: "open", source_id: String(customerId) })
      .first();
    assert.match(entry.reason, /billing address has no zip, and PowerOffice takes a mail address only with City and ZipCode; add them in Chargebee/);
  });

  test("a Chargebee-born customer with a billing address becomes a PowerOffice customer with that mail address (F10)", async () => {
    h.cb.store.edit("customer", chargebeeId, { billing_address: { line1: "Munkegata 5", city: "Trondheim", zip: "7011", country: "NO" } });
    const created = await h.chargebee.createCustomer({
      id: "cb-ingrid-dahl",
      first_name: "Ingrid",
      last_name: "Dahl",
      email: "ingrid.dahl@example.no",
      billing_address: { line1: "Elvegata 9", city: "Tromsø", zip: "9008", country: "NO" },
    });
    assert.equal(created.record.id, "cb-ingrid-dahl");
    await h.sync();
    const made = h.po.store.all("Customers").find((row) => row.ExternalImportReference === "cb-ingrid-dahl")!;
    assert.ok(made, "F10 made the customer");
    const address = made.MailAddress as Record<string, unknown>;
    assert.deepEqual([address.AddressLine1, address.City, address.ZipCode, address.CountryCode], ["Elvegata 9", "Tromsø", "9008", "NO"]);
    h.resetStats();
    await h.sync();
    assert.deepEqual(h.writes(), { poweroffice: 0, chargebee: 0 });
  });
});
