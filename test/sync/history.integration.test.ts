import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { resolveConflict } from "../../src/sync/commands/index.js";
import { pruneFieldChanges } from "../../src/sync/tables/field-changes.js";
import { startSubgraphUnderTest, type SubgraphUnderTest } from "../../subgraphs/shared/test-support.js";
import { startSyncHarness, type SyncHarness } from "./harness.js";

const SECRET = "history-test-secret";
const READER = { "x-caller-name": "analyst", "x-caller-role": "reader" };

/**
 * History per record: the sync records what it made, what it saw change on a side and what it wrote, with why; the
 * link subgraph answers Customer.history and changes from it. The tests run in order on one harness.
 */
describe("history per record", () => {
  let h: SyncHarness;
  let link: SubgraphUnderTest;
  let personId: number;
  let customerId: string;
  let unifiedId: string;
  const poPerson = () => h.po.store.get("ContactPersons", personId)!;
  /** The history rows added since `id`, oldest first, as [system, field, before, after, why]. */
  const since = async (id: number) =>
    (await h.db.knex("field_changes").where("id", ">", id).orderBy("id")).map((row) => [row.system, row.field, row.before, row.after, row.why]);
  const lastId = async () => Number((await h.db.knex("field_changes").max("id as id").first())?.id ?? 0);
  const customerHistory = async (first = 10) => {
    const result = await link.query<any>(
      `query($id: ID!, $first: Int) { customer(id: $id) { history(first: $first) { totalCount edges { node { system type sourceId field before after why who flow } } } } }`,
      { id: unifiedId, first },
      READER,
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data.customer.history;
  };

  before(async () => {
    h = await startSyncHarness();
    link = await startSubgraphUnderTest("link", { secret: SECRET, db: h.db });
    await h.sync();
    const person = h.po.store
      .all("ContactPersons")
      .filter((row) => row.EmailAddress && !String(row.EmailAddress).includes("@@"))
      .find((row) => row.Id !== h.po.store.special.sharedPerson.contactPersonId)!;
    personId = Number(person.Id);
    customerId = `po-contactperson-${personId}`;
    unifiedId = (
      await h.db
        .knex("links")
        .where({ flow: "F1", system: "poweroffice", source_id: String(personId) })
        .first()
    ).unified_id;
  });
  after(async () => {
    await link?.close();
    await h?.close();
  });

  test("a record the sync made is in its history with the values it was made with", async () => {
    const history = await customerHistory();
    assert.equal(history.totalCount, 1);
    assert.deepEqual(history.edges[0].node, {
      system: "CHARGEBEE",
      type: "customer",
      sourceId: customerId,
      field: null,
      before: null,
      after: { email: poPerson().EmailAddress, firstName: poPerson().FirstName, lastName: poPerson().LastName },
      why: "CREATED",
      who: null,
      flow: "F1",
    });
  });

  test("an edit in Chargebee: detected there, written to PowerOffice", async () => {
    const before = poPerson().LastName;
    const from = await lastId();
    h.cb.store.edit("customer", customerId, { last_name: "Fjellheim" });
    await h.sync();
    assert.deepEqual(await since(from), [
      ["chargebee", "lastName", before, "Fjellheim", "detected"],
      ["poweroffice", "lastName", before, "Fjellheim", "sync"],
    ]);
  });

  test("an edit in PowerOffice: detected there, written to Chargebee; the echo of our own write is no history", async () => {
    const from = await lastId();
    h.po.store.edit("ContactPersons", personId, { FirstName: "Sigrid" });
    const firstName = (h.cb.store.raw("customer", customerId) as Record<string, unknown>).first_name;
    await h.sync();
    assert.deepEqual(await since(from), [
      ["poweroffice", "firstName", firstName, "Sigrid", "detected"],
      ["chargebee", "firstName", firstName, "Sigrid", "sync"],
    ]);
    const again = await lastId();
    await h.sync();
    assert.deepEqual(await since(again), []);
  });

  test("both sides edited: both detected, the winner written as a conflict; a resolution is written as one", async () => {
    const from = await lastId();
    h.cb.store.edit("customer", customerId, { last_name: "Chargebee-Side" });
    h.po.store.raw.clock.advancePast((Date.now() + 3_600_000) * 1000);
    h.po.store.edit("ContactPersons", personId, { LastName: "PowerOffice-Side" });
    await h.sync();
    assert.deepEqual(await since(from), [
      ["poweroffice", "lastName", "Fjellheim", "PowerOffice-Side", "detected"],
      ["chargebee", "lastName", "Fjellheim", "Chargebee-Side", "detected"],
      ["chargebee", "lastName", "Chargebee-Side", "PowerOffice-Side", "conflict"],
    ]);
    const conflict = await h.db.knex("conflicts").where({ unified_id: unifiedId, field: "lastName" }).orderBy("id", "desc").first();
    const resolvedFrom = await lastId();
    await resolveConflict(h.db.knex, { conflictId: conflict.id, winner: "chargebee", resolvedBy: "test" });
    await h.sync();
    const written = (await since(resolvedFrom)).filter((row) => row[4] === "resolution");
    assert.deepEqual(written, [
      ["chargebee", "lastName", "PowerOffice-Side", "Chargebee-Side", "resolution"],
      ["poweroffice", "lastName", "PowerOffice-Side", "Chargebee-Side", "resolution"],
    ]);
  });

  test("Customer.history pages newest first, and changes filters across records", async () => {
    const page = await customerHistory(2);
    assert.deepEqual(
      page.edges.map((edge: any) => [edge.node.system, edge.node.why]),
      [
        ["POWEROFFICE", "RESOLUTION"],
        ["CHARGEBEE", "RESOLUTION"],
      ],
    );
    const conflicts = await link.query<any>(
      `{ changes(filter: { why: CONFLICT, field: "lastName" }) { totalCount edges { node { unifiedId after } } } }`,
      {},
      READER,
    );
    assert.equal(conflicts.errors, undefined);
    assert.deepEqual(conflicts.data.changes, { totalCount: 1, edges: [{ node: { unifiedId, after: "PowerOffice-Side" } }] });
  });

  test("SYNC_HISTORY_DAYS: history older than the period is pruned, the rest stays", async () => {
    const total = Number((await h.db.knex("field_changes").count("* as n").first())?.n);
    await h.db
      .knex("field_changes")
      .where({ unified_id: unifiedId })
      .update({ created_at: h.db.knex.raw("now() - interval '400 days'") });
    const mine = Number((await h.db.knex("field_changes").where({ unified_id: unifiedId }).count("* as n").first())?.n);
    assert.equal(await pruneFieldChanges(h.db.knex, 0), 0, "0 keeps everything");
    assert.equal(await pruneFieldChanges(h.db.knex, 365), mine);
    assert.equal(Number((await h.db.knex("field_changes").count("* as n").first())?.n), total - mine);
  });
});
