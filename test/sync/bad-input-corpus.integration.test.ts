// The bad-input corpus (support/bad-input-corpus.ts): more than 1,000 bad records across every entity the sync
// reads, mixed with good ones, synced through the job queue on whichever database the suite runs on. Every good
// record arrives, every bad one is quarantined (or listed as unmatched) with a reason a person can act on, no run
// stops or says less than the truth, nothing is duplicated, and a second run writes nothing.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startSyncHarness, type SyncHarness } from "./harness.js";
import { seedCorpus, type Corpus } from "./support/bad-input-corpus.js";
import { startQueuedSync, type QueuedSync } from "./support/queued-sync.js";

let h: SyncHarness;
let sync: QueuedSync;
let corpus: Corpus;

interface Actionable {
  source_id: string;
  entity: string;
  reason: string;
}

async function actionableBySource(): Promise<Map<string, string[]>> {
  const quarantined = (await h.db
    .knex("quarantine")
    .where({ status: "open", system: "poweroffice" })
    .select("source_id", "entity", "reason")) as Actionable[];
  const unmatched = (await h.db
    .knex("sync_record_state")
    .where({ status: "unmatched", system: "poweroffice" })
    .select("source_id", "entity", "reason")) as Actionable[];
  const reasons = new Map<string, string[]>();
  for (const row of [...quarantined, ...unmatched]) {
    const key = `${row.entity}\u0000${row.source_id}`;
    reasons.set(key, [...(reasons.get(key) ?? []), row.reason]);
  }
  return reasons;
}

function chargebeePosts(): number {
  return h.cb.requestLog.list({ method: "POST" }).length;
}

function powerOfficeWrites(): number {
  return h.po.requestLog.entries().filter((entry) => entry.method !== "GET" && !/oauth/i.test(entry.path)).length;
}

/** The Chargebee customer linked to a PowerOffice person of a flow. */
async function linkedCustomer(flow: string, sourceId: string): Promise<Record<string, unknown> | undefined> {
  const link = await h.db
    .knex("links as p")
    .join("links as c", "c.unified_id", "p.unified_id")
    .where({
      "p.flow": flow,
      "p.system": "poweroffice",
      "p.source_id": sourceId,
      "c.system": "chargebee",
      "c.entity": "customer",
      "c.status": "active",
    })
    .first("c.source_id");
  return link ? h.cb.store.dump("customer").find((row) => row.id === link.source_id) : undefined;
}

describe("the bad-input corpus", { timeout: 600_000 }, () => {
  const figures: string[] = [];

  before(async () => {
    h = await startSyncHarness();
    corpus = seedCorpus(h.po, h.cb);
    sync = await startQueuedSync(h, { env: { SYNC_BATCH_SIZE: "200" } });
  });

  after(async () => {
    await sync?.stop();
    await h?.close();
    for (const line of figures) console.log(`# corpus: ${line}`);
  });

  test("more than 1,000 bad records: every one quarantined or unmatched with the reason for it; the run succeeds", async () => {
    assert.ok(corpus.bad.length >= 1000, `the corpus holds ${corpus.bad.length} bad records`);
    const started = Date.now();
    const run = await sync.run({ mode: "full" });
    figures.push(
      `first run ${run.status} in ${((Date.now() - started) / 1000).toFixed(1)} s: seen ${run.counts.seen}, created ${run.counts.created}, quarantined ${run.counts.quarantined}, waiting ${run.counts.waiting}, errors ${run.counts.errors}, API calls ${run.counts.apiCalls}`,
    );
    assert.equal(run.status, "succeeded", run.error ?? "");
    assert.equal(run.counts.errors, 0);

    const reasons = await actionableBySource();
    const missing: string[] = [];
    const wrong: string[] = [];
    const byKind = new Map<string, number>();
    for (const bad of corpus.bad) {
      const found = reasons.get(`${bad.entity}\u0000${bad.sourceId}`) ?? [];
      if (found.length === 0) missing.push(`${bad.kind} ${bad.sourceId}`);
      else if (!found.some((reason) => bad.reason.test(reason))) wrong.push(`${bad.kind} ${bad.sourceId}: ${found.join(" | ").slice(0, 300)}`);
      byKind.set(bad.kind, (byKind.get(bad.kind) ?? 0) + 1);
    }
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} bad records have no quarantine or unmatched entry`);
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} bad records have another reason than expected`);
    figures.push(`${corpus.bad.length} bad records of ${byKind.size} kinds, each quarantined or unmatched with the expected reason`);
    const groups = new Map<string, number>();
    for (const bad of corpus.bad) {
      const group = bad.kind.replace(/^(ContactPerson|Employee|Customer) /, "person ");
      groups.set(group, (groups.get(group) ?? 0) + 1);
    }
    figures.push(`by kind: ${[...groups].map(([kind, count]) => `${kind} ${count}`).join("; ")}`);

    const quarantineByReason = (await h.db.knex("quarantine").where({ status: "open" }).select("reason")) as Array<{ reason: string }>;
    const categories = new Map<string, number>();
    const categoryOf = (reason: string) =>
      /NUL character/.test(reason)
        ? "NUL"
        : /surrogate/.test(reason)
          ? "half a surrogate pair"
          : /control character/.test(reason)
            ? "control character"
            : /takes at most|characters; Chargebee/.test(reason)
              ? "too long for Chargebee"
              : /invalid email/.test(reason)
                ? "invalid email"
                : /unknown currency/.test(reason)
                  ? "unknown currency"
                  : /PowerOffice does not have/.test(reason)
                    ? "line whose product is gone"
                    : /too large to send/.test(reason)
                      ? "amount too large"
                      : /quantit/.test(reason)
                        ? "quantity"
                        : /negative price/.test(reason)
                          ? "negative price"
                          : /VAT rate/.test(reason)
                            ? "VAT rate"
                            : "other";
    for (const { reason } of quarantineByReason) categories.set(categoryOf(reason), (categories.get(categoryOf(reason)) ?? 0) + 1);
    figures.push(`open quarantine entries by reason: ${[...categories].map(([category, count]) => `${category} ${count}`).join("; ")}`);
  });

  test("every good record arrives, and nothing is duplicated", async () => {
    let arrived = 0;
    for (const person of corpus.goodPeople) {
      const customer = await linkedCustomer(person.flow, person.sourceId);
      assert.ok(customer, `${person.flow} ${person.sourceId} has its Chargebee customer`);
      assert.equal(String(customer.email).toLowerCase(), person.email);
      assert.equal(customer.first_name, person.firstName);
      arrived += 1;
    }
    for (const email of corpus.sharedEmails) {
      const customers = h.cb.store.dump("customer").filter((row) => !row.deleted && String(row.email ?? "").toLowerCase() === email);
      assert.equal(customers.length, 1, `one Chargebee customer for ${email}, spelled three ways in three roles`);
    }
    for (const product of corpus.goodProducts) {
      assert.equal(h.cb.store.raw("item", `po-product-${product.sourceId}`)?.name, product.name);
      arrived += 1;
    }
    const invoicesByReference = new Map<string, number>();
    for (const invoice of h.cb.store.dump("invoice")) {
      if (typeof invoice.po_number === "string") invoicesByReference.set(invoice.po_number, (invoicesByReference.get(invoice.po_number) ?? 0) + 1);
    }
    for (const orderId of corpus.goodOrders) {
      const link = await h.db.knex("links").where({ flow: "F8", system: "poweroffice", source_id: orderId, status: "active" }).first("unified_id");
      assert.ok(link, `good order ${orderId} is linked`);
      const order = await h.db.knex("links").where({ unified_id: link.unified_id, system: "chargebee", entity: "order" }).first("source_id");
      assert.equal(invoicesByReference.get(order.source_id), 1, `good order ${orderId}: one invoice`);
      arrived += 1;
    }
    const byEmail = new Map<string, number>();
    for (const row of h.cb.store.dump("customer")) {
      if (row.deleted || typeof row.email !== "string" || !String(row.id).startsWith("po-")) continue;
      byEmail.set(row.email.toLowerCase(), (byEmail.get(row.email.toLowerCase()) ?? 0) + 1);
    }
    const duplicates = [...byEmail].filter(([, count]) => count > 1);
    assert.deepEqual(duplicates, [], "no two customers we created share an email");
    const duplicateInvoices = [...invoicesByReference].filter(([, count]) => count > 1);
    assert.deepEqual(duplicateInvoices, [], "no order has two invoices");
    figures.push(
      `${arrived} good records arrived (${corpus.goodPeople.length} people, ${corpus.goodProducts.length} products, ${corpus.goodOrders.length} orders); duplicates: ${duplicates.length} customers, ${duplicateInvoices.length} invoices`,
    );
  });

  test("Chargebee records with text the database cannot hold are stored with the exact original and touch nothing", async () => {
    for (const { entity, sourceId } of corpus.storedOnly) {
      const row = await h.db
        .knex("dataset_records")
        .where({ system: "chargebee", entity, source_id: sourceId })
        .first("data", "raw_json", "data_issues");
      assert.ok(row, `${entity} ${sourceId} was read`);
      assert.match(JSON.parse(row.raw_json).company, /\u0000/);
      assert.equal(row.data_issues[0].path, "company");
    }
  });

  test("a second run writes nothing and succeeds", async () => {
    const before = { chargebee: chargebeePosts(), poweroffice: powerOfficeWrites() };
    const started = Date.now();
    const run = await sync.run({ mode: "incremental" });
    figures.push(
      `second run ${run.status} in ${((Date.now() - started) / 1000).toFixed(1)} s: created ${run.counts.created}, updated ${run.counts.updated}, quarantined ${run.counts.quarantined}; writes: Chargebee ${chargebeePosts() - before.chargebee}, PowerOffice ${powerOfficeWrites() - before.poweroffice}`,
    );
    assert.equal(run.status, "succeeded", run.error ?? "");
    assert.equal(run.counts.quarantined, 0, "bad records are not decided again until they change");
    assert.equal(chargebeePosts(), before.chargebee, "no Chargebee write");
    assert.equal(powerOfficeWrites(), before.poweroffice, "no PowerOffice write");
  });
});
