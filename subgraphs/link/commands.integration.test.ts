import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startJobQueue, type JobQueue } from "../../src/jobs/queue.js";
import { silentLogger } from "../../src/logging/logger.js";
import { insertRecords, startSubgraphUnderTest, type SubgraphUnderTest } from "../shared/test-support.js";

/** The link subgraph's mutations over the application's own sync commands (its link and run commands). */
describe("link subgraph mutations with the application's sync commands", () => {
  let subgraph: SubgraphUnderTest;
  let queue: JobQueue;
  const call = (query: string, variables?: Record<string, unknown>) =>
    subgraph.query<any>(query, variables, { "x-caller-name": "erp", "x-caller-role": "integrator" });

  before(async () => {
    subgraph = await startSubgraphUnderTest("link", { secret: "commands-test-secret-0123456789" });
    queue = await startJobQueue({ db: subgraph.db, logger: silentLogger, schedule: false });
    subgraph.deps.commands = { knex: subgraph.db.knex, queue, logger: silentLogger };
    await insertRecords(subgraph.db.knex, [
      {
        system: "poweroffice",
        entity: "ContactPerson",
        sourceId: "101",
        parentId: "1",
        data: { Id: 101, ContactId: 1, FirstName: "Kari", LastName: "Nordmann", EmailAddress: "kari@example.no" },
        email: "kari@example.no",
        name: "Kari Nordmann",
      },
      {
        system: "chargebee",
        entity: "customer",
        sourceId: "cb-kari",
        data: { id: "cb-kari", first_name: "Kari", last_name: "Nordmann", email: "kari@example.no" },
        email: "kari@example.no",
        name: "Kari Nordmann",
      },
    ]);
  });
  after(async () => {
    await queue.stop({ timeoutMs: 5_000 });
    await subgraph.close();
  });

  test("link, then unlink a pair of records", async () => {
    const linked = await call(`mutation { link(input: { flow: "F1", powerofficeId: "101", chargebeeId: "cb-kari" }) {
      kind customer { syncState powerofficeContactPersons { id } chargebee { id } } } }`);
    assert.equal(linked.errors, undefined, JSON.stringify(linked.errors));
    assert.deepEqual(linked.data.link, {
      kind: "CUSTOMER",
      customer: { syncState: "PENDING", powerofficeContactPersons: [{ id: "101" }], chargebee: { id: "cb-kari" } },
    });
    const again = await call(`mutation { link(input: { flow: "F1", powerofficeId: "101", chargebeeId: "someone-else" }) { kind } }`);
    assert.equal(again.errors?.[0]?.extensions?.code, "NOT_FOUND");
    const unlinked = await call(
      `mutation { unlink(input: { system: CHARGEBEE, type: "customer", id: "cb-kari" }) { customer { chargebee { id } powerofficeContactPersons { id } } } }`,
    );
    assert.equal(unlinked.errors, undefined, JSON.stringify(unlinked.errors));
    assert.deepEqual(unlinked.data.unlink.customer, { chargebee: null, powerofficeContactPersons: [] });
  });

  test("resolveConflict and retryQuarantined", async () => {
    const knex = subgraph.db.knex;
    const unified = await knex("unified_records").first("id");
    const [conflict] = await knex("conflicts")
      .insert({
        unified_id: unified.id,
        flow: "F1",
        field: "lastName",
        poweroffice_value: JSON.stringify("A"),
        chargebee_value: JSON.stringify("B"),
        winner: "chargebee",
        reason: "newer change",
      })
      .returning("id");
    const resolved = await call(`mutation($id: ID!) { resolveConflict(id: $id, winner: POWEROFFICE) { status resolvedBy resolvedValue } }`, {
      id: String(conflict.id),
    });
    assert.deepEqual(resolved.data?.resolveConflict, { status: "RESOLVED", resolvedBy: "erp", resolvedValue: "A" });
    const [entry] = await knex("quarantine")
      .insert({ flow: "F1", system: "poweroffice", entity: "ContactPerson", source_id: "101", reason: "bad email" })
      .returning("id");
    const retried = await call(`mutation($id: ID!) { retryQuarantined(id: $id) { status } }`, { id: String(entry.id) });
    assert.deepEqual(retried.data?.retryQuarantined, { status: "RELEASED" });
  });

  test("runSync and syncRecord queue runs on the job queue; unknown records give NOT_FOUND", async () => {
    const run = await call(`mutation { runSync(flows: ["F7"], mode: DRY_RUN) { id status mode flows requestedBy } }`);
    assert.equal(run.errors, undefined, JSON.stringify(run.errors));
    assert.deepEqual(
      { ...run.data.runSync, id: typeof run.data.runSync.id },
      { id: "string", status: "QUEUED", mode: "DRY_RUN", flows: ["F7"], requestedBy: "erp" },
    );
    const followed = await call(`query($id: ID!) { syncRun(id: $id) { id phase } }`, { id: run.data.runSync.id });
    assert.equal(followed.data.syncRun.id, run.data.runSync.id);
    const record = await call(`mutation { syncRecord(system: POWEROFFICE, type: "ContactPerson", id: "101") { status flows } }`);
    assert.deepEqual(record.data?.syncRecord, { status: "QUEUED", flows: ["F1"] });
    const missing = await call(`mutation { syncRecord(system: CHARGEBEE, type: "customer", id: "nobody") { id } }`);
    assert.equal(missing.errors?.[0]?.extensions?.code, "NOT_FOUND");
    const badType = await call(`mutation { syncRecord(system: CHARGEBEE, type: "coupon", id: "x") { id } }`);
    assert.equal(badType.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
  });
});
