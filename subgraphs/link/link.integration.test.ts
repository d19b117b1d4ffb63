import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import { startSubgraphUnderTest, type SubgraphUnderTest } from "../shared/test-support.js";
import type { SyncCommands } from "./sync-commands.js";
import { parseConflictPolicy } from "../../src/config/conflict-policy.js";

const SECRET = "test-subgraph-secret-0123456789";
const INTEGRATOR = { "x-caller-name": "ops-team", "x-caller-role": "integrator" };
const READER = { "x-caller-name": "analyst", "x-caller-role": "reader" };

/** Sync commands that record their calls and write what the real ones would, so the mutations can be checked. */
function fakeCommands(calls: Array<{ name: string; input: unknown }>): Partial<SyncCommands> {
  return {
    async requestSyncRun(deps, input) {
      calls.push({ name: "requestSyncRun", input });
      const id = randomUUID();
      await deps.knex("sync_runs").insert({ id, requested_by: input.requestedBy, flows: input.flows ?? ["F1"], mode: input.mode });
      return { id };
    },
    async requestRecordSync(deps, input) {
      calls.push({ name: "requestRecordSync", input });
      const id = randomUUID();
      await deps.knex("sync_runs").insert({ id, requested_by: input.requestedBy, flows: ["F1"], mode: "incremental", detail: { record: input } });
      return { id };
    },
    async resolveConflict(knex, input) {
      calls.push({ name: "resolveConflict", input });
      await knex("conflicts")
        .where({ id: input.conflictId })
        .update({
          status: "resolved",
          resolved_by: input.resolvedBy,
          resolved_value: JSON.stringify(input.value ?? null),
          resolved_at: knex.fn.now(),
        });
    },
    async retryQuarantined(knex, input) {
      calls.push({ name: "retryQuarantined", input });
      await knex("quarantine").where({ id: input.quarantineId }).update({ status: "released" });
    },
    async linkRecords(knex, input) {
      calls.push({ name: "linkRecords", input });
      const unified = await knex("links").where({ system: "chargebee", entity: "customer", source_id: input.chargebeeId }).first("unified_id");
      await knex("links").insert({
        unified_id: unified.unified_id,
        system: "poweroffice",
        entity: "Employee",
        source_id: input.powerofficeId,
        flow: input.flow,
      });
      return { unifiedId: unified.unified_id };
    },
    async unlinkRecord(knex, input) {
      calls.push({ name: "unlinkRecord", input });
      if (input.sourceId === "explode") throw new Error("database on fire at /secret/path");
      if (input.sourceId === "refused")
        throw Object.assign(new Error("That link is managed by a flow rule"), { name: "SyncCommandError", code: "CONFLICT" });
      await knex("links").where({ system: input.system, entity: input.entity, source_id: input.sourceId }).update({ status: "deleted" });
    },
  };
}

interface Seeded {
  kari: string;
  ola: string;
  order: string;
  conflictId: number;
  resolvedConflictId: number;
  quarantineId: number;
  runs: string[];
}

async function seed(knex: Knex): Promise<Seeded> {
  const kari = "00000000-0000-4000-8000-000000000001";
  const ola = "00000000-0000-4000-8000-000000000002";
  const order = "00000000-0000-4000-8000-0000000000a1";
  await knex("unified_records").insert([
    {
      id: kari,
      kind: "customer",
      email: "kari@example.no",
      name: "Kari Nordmann",
      agreed: JSON.stringify({ email: "kari@example.no", firstName: "Kari", lastName: "Nordmann" }),
      sync_state: "conflict",
      last_synced_at: new Date("2026-11-20T08:00:00Z"),
    },
    {
      id: ola,
      kind: "customer",
      email: "ola@example.no",
      name: "Ola Hansen",
      agreed: JSON.stringify({ email: "ola@example.no" }),
      sync_state: "synced",
    },
    {
      id: order,
      kind: "order",
      name: "Sales order 5",
      agreed: JSON.stringify({ currencyCode: "NOK", customerId: "po-contactperson-101", amount: 250050 }),
      sync_state: "synced",
    },
  ]);
  await knex("links").insert([
    { unified_id: kari, system: "poweroffice", entity: "ContactPerson", source_id: "101", flow: "F1" },
    { unified_id: kari, system: "poweroffice", entity: "Customer", source_id: "13", flow: "F3" },
    { unified_id: kari, system: "chargebee", entity: "customer", source_id: "po-contactperson-101", flow: "F1" },
    { unified_id: kari, system: "chargebee", entity: "customer", source_id: "po-contactperson-101", flow: "F3" },
    { unified_id: kari, system: "poweroffice", entity: "Employee", source_id: "55", flow: "F2", status: "deleted" },
    { unified_id: ola, system: "poweroffice", entity: "Employee", source_id: "7", flow: "F2" },
    { unified_id: order, system: "poweroffice", entity: "SalesOrder", source_id: "aaaaaaaa-0000-0000-0000-000000000001", flow: "F8" },
    { unified_id: order, system: "chargebee", entity: "order", source_id: "po-so-aaaaaaaa000000000000000000000001", flow: "F8" },
  ]);
  const [conflict] = await knex("conflicts")
    .insert({
      unified_id: kari,
      flow: "F1",
      field: "lastName",
      agreed_value: JSON.stringify("Nordmann"),
      poweroffice_value: JSON.stringify("Nordmann-Berg"),
      chargebee_value: JSON.stringify("Berg"),
      winner: "chargebee",
      reason: "newer change",
    })
    .returning("id");
  const [resolved] = await knex("conflicts")
    .insert({ unified_id: kari, flow: "F1", field: "email", winner: "poweroffice", reason: "priority", status: "resolved", resolved_by: "someone" })
    .returning("id");
  const [quarantined] = await knex("quarantine")
    .insert({ flow: "F1", system: "poweroffice", entity: "ContactPerson", source_id: "101", reason: "Email is not valid: fix it in PowerOffice" })
    .returning("id");
  const runs: string[] = [];
  for (let index = 0; index < 5; index++) {
    const id = `00000000-0000-4000-9000-00000000000${index}`;
    runs.push(id);
    await knex("sync_runs").insert({
      id,
      requested_by: "schedule",
      flows: ["F1", "F2"],
      mode: "incremental",
      status: index === 4 ? "running" : "succeeded",
      batches_total: 4,
      batches_done: index === 4 ? 1 : 4,
      records_seen: 10 * index,
      created_at: new Date(Date.UTC(2026, 10, 20, 8, index)),
      detail: JSON.stringify({ phase: index === 4 ? "processing" : "finished" }),
    });
  }
  return { kari, ola, order, conflictId: Number(conflict.id), resolvedConflictId: Number(resolved.id), quarantineId: Number(quarantined.id), runs };
}

describe("link subgraph", () => {
  let subgraph: SubgraphUnderTest;
  let seeded: Seeded;
  const calls: Array<{ name: string; input: unknown }> = [];
  const asIntegrator = (query: string, variables?: Record<string, unknown>) => subgraph.query<any>(query, variables, INTEGRATOR);

  before(async () => {
    subgraph = await startSubgraphUnderTest("link", { secret: SECRET, deps: { syncCommands: fakeCommands(calls) } });
    subgraph.deps.commands = { knex: subgraph.db.knex, logger: subgraph.deps.logger, queue: {} as never };
    seeded = await seed(subgraph.db.knex);
  });
  after(async () => subgraph.close());

  test("customers: filters by email, name and sync state; ordered by name", async () => {
    const result = await asIntegrator(`{
      all: customers { totalCount edges { node { name } } }
      byEmail: customers(filter: { email: " KARI@example.no" }) { edges { node { id firstName lastName syncState lastSyncedAt } } }
      byName: customers(filter: { name: "hans" }) { edges { node { name } } }
      conflicted: customers(filter: { syncState: CONFLICT }) { totalCount }
    }`);
    assert.equal(result.errors, undefined);
    assert.deepEqual(result.data.all, { totalCount: 2, edges: [{ node: { name: "Kari Nordmann" } }, { node: { name: "Ola Hansen" } }] });
    assert.deepEqual(result.data.byEmail.edges, [
      { node: { id: seeded.kari, firstName: "Kari", lastName: "Nordmann", syncState: "CONFLICT", lastSyncedAt: "2026-11-20T08:00:00.000Z" } },
    ]);
    assert.deepEqual(result.data.byName.edges, [{ node: { name: "Ola Hansen" } }]);
    assert.equal(result.data.conflicted.totalCount, 1);
  });

  test("customers: a customer whose links are all closed is left out unless its state is asked for", async () => {
    const gone = "00000000-0000-4000-8000-0000000000ff";
    await subgraph.db
      .knex("unified_records")
      .insert({ id: gone, kind: "customer", email: "gone@example.no", name: "Aase Borte", agreed: "{}", sync_state: "unlinked" });
    await subgraph.db
      .knex("links")
      .insert({ unified_id: gone, system: "poweroffice", entity: "ContactPerson", source_id: "909", flow: "F1", status: "deleted" });
    try {
      const result = await asIntegrator(`{
        all: customers { totalCount edges { node { name } } }
        byEmail: customers(filter: { email: "gone@example.no" }) { totalCount }
        unlinked: customers(filter: { syncState: UNLINKED }) { totalCount edges { node { id name syncState powerofficeContactPersons { id } } } }
        one: customer(id: "${gone}") { syncState }
      }`);
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      assert.deepEqual(result.data, {
        all: { totalCount: 2, edges: [{ node: { name: "Kari Nordmann" } }, { node: { name: "Ola Hansen" } }] },
        byEmail: { totalCount: 0 },
        unlinked: { totalCount: 1, edges: [{ node: { id: gone, name: "Aase Borte", syncState: "UNLINKED", powerofficeContactPersons: [] } }] },
        one: { syncState: "UNLINKED" },
      });
    } finally {
      await subgraph.db.knex("links").where({ unified_id: gone }).delete();
      await subgraph.db.knex("unified_records").where({ id: gone }).delete();
    }
  });

  test("unmatchedRecords: what a linking flow found nothing to link to, page by page", async () => {
    await subgraph.db.knex("sync_record_state").insert([
      {
        flow: "F6",
        system: "poweroffice",
        entity: "Department",
        source_id: "1001",
        content_hash: "h1",
        status: "unmatched",
        reason: 'No Chargebee business entity is named "Administrasjon"',
      },
      {
        flow: "F6",
        system: "poweroffice",
        entity: "Department",
        source_id: "1003",
        content_hash: "h3",
        status: "unmatched",
        reason: 'No Chargebee business entity is named "Lager"',
      },
      { flow: "F6", system: "poweroffice", entity: "Department", source_id: "1002", content_hash: "h2", status: "done", reason: null },
    ]);
    try {
      const first = await asIntegrator(
        `{ unmatchedRecords(first: 1, flow: "F6") { totalCount edges { node { flow system type sourceId reason } } pageInfo { hasNextPage endCursor } } }`,
      );
      assert.equal(first.errors, undefined, JSON.stringify(first.errors));
      assert.equal(first.data.unmatchedRecords.totalCount, 2);
      assert.deepEqual(first.data.unmatchedRecords.edges, [
        {
          node: {
            flow: "F6",
            system: "POWEROFFICE",
            type: "Department",
            sourceId: "1001",
            reason: 'No Chargebee business entity is named "Administrasjon"',
          },
        },
      ]);
      const next = await asIntegrator(
        `query ($after: String) { unmatchedRecords(first: 5, after: $after) { edges { node { sourceId lastTriedAt } } pageInfo { hasNextPage } } }`,
        {
          after: first.data.unmatchedRecords.pageInfo.endCursor,
        },
      );
      assert.equal(next.errors, undefined, JSON.stringify(next.errors));
      assert.deepEqual(
        next.data.unmatchedRecords.edges.map((edge: { node: { sourceId: string } }) => edge.node.sourceId),
        ["1003"],
      );
      assert.ok(!Number.isNaN(Date.parse(next.data.unmatchedRecords.edges[0].node.lastTriedAt)));
      assert.equal(next.data.unmatchedRecords.pageInfo.hasNextPage, false);
    } finally {
      await subgraph.db.knex("sync_record_state").whereIn("source_id", ["1001", "1002", "1003"]).delete();
    }
  });

  test("timestamps a list leaves out unless asked for: createdAt and updatedAt of customers and their orders", async () => {
    const result = await asIntegrator(
      `{ customers(filter: { email: "kari@example.no" }) { edges { node { createdAt updatedAt lastSyncedAt orders { createdAt } } } } }`,
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const row = await subgraph.db.knex("unified_records").where({ id: seeded.kari }).first("created_at", "updated_at");
    const order = await subgraph.db.knex("unified_records").where({ id: seeded.order }).first("created_at");
    assert.deepEqual(result.data.customers.edges[0].node, {
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
      lastSyncedAt: "2026-11-20T08:00:00.000Z",
      orders: [{ createdAt: new Date(order.created_at).toISOString() }],
    });
  });

  test("a customer's linked records of both systems, open conflicts, quarantine and orders", async () => {
    const result = await asIntegrator(
      `query($id: ID!) { customer(id: $id) {
      powerofficeContactPersons { id } powerofficeEmployees { id } powerofficeCustomer { id } chargebee { id }
      links { system type sourceId flow status }
      openConflicts { field powerofficeValue chargebeeValue winner kind }
      quarantine { type sourceId reason }
      orders { id currencyCode amount customer { id } powerofficeSalesOrder { id } chargebeeOrder { id } }
    } }`,
      { id: seeded.kari },
    );
    assert.equal(result.errors, undefined);
    const customer = result.data.customer;
    assert.deepEqual(customer.powerofficeContactPersons, [{ id: "101" }]);
    assert.deepEqual(customer.powerofficeEmployees, [], "the deleted employee link is not a linked record");
    assert.deepEqual(customer.powerofficeCustomer, { id: "13" });
    assert.deepEqual(customer.chargebee, { id: "po-contactperson-101" });
    assert.equal(customer.links.length, 5);
    assert.deepEqual(customer.links.at(-1), { system: "POWEROFFICE", type: "Employee", sourceId: "55", flow: "F2", status: "DELETED" });
    assert.deepEqual(customer.openConflicts, [
      { field: "lastName", powerofficeValue: "Nordmann-Berg", chargebeeValue: "Berg", winner: "CHARGEBEE", kind: "CUSTOMER" },
    ]);
    assert.deepEqual(customer.quarantine, [{ type: "ContactPerson", sourceId: "101", reason: "Email is not valid: fix it in PowerOffice" }]);
    assert.deepEqual(customer.orders, [
      {
        id: seeded.order,
        currencyCode: "NOK",
        amount: 250050,
        customer: { id: seeded.kari },
        powerofficeSalesOrder: { id: "aaaaaaaa-0000-0000-0000-000000000001" },
        chargebeeOrder: { id: "po-so-aaaaaaaa000000000000000000000001" },
      },
    ]);
  });

  test("customer(id): null when unknown, BAD_USER_INPUT when not a UUID", async () => {
    const unknown = await asIntegrator(`{ customer(id: "00000000-0000-4000-8000-0000000000ff") { id } }`);
    assert.deepEqual(unknown.data, { customer: null });
    const foreignCursor = Buffer.from(JSON.stringify(["kari", "not-a-uuid"])).toString("base64url");
    const afterForeign = await asIntegrator(`query($after: String) { customers(after: $after) { edges { node { name } } } }`, {
      after: foreignCursor,
    });
    assert.deepEqual(afterForeign, {
      status: 200,
      data: { customers: { edges: [{ node: { name: "Kari Nordmann" } }, { node: { name: "Ola Hansen" } }] } },
      extensions: { sqlQueries: 1 },
    });
    const bad = await asIntegrator(`{ customer(id: "42") { id } }`);
    assert.equal(bad.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
  });

  test("_entities: unified records and the way back from source records, one statement per type", async () => {
    const result = await asIntegrator(
      `query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Customer { id name } ... on PowerOfficeContactPerson { unifiedCustomer { id } } ... on PowerOfficeEmployee { unifiedCustomer { name } }
    } }`,
      {
        r: [
          { __typename: "Customer", id: seeded.kari },
          { __typename: "Customer", id: seeded.ola },
          { __typename: "Customer", id: "not-a-uuid" },
          { __typename: "PowerOfficeContactPerson", id: "101" },
          { __typename: "PowerOfficeEmployee", id: "7" },
          { __typename: "PowerOfficeEmployee", id: "55" },
        ],
      },
    );
    assert.equal(result.errors, undefined);
    assert.deepEqual(result.data._entities, [
      { id: seeded.kari, name: "Kari Nordmann" },
      { id: seeded.ola, name: "Ola Hansen" },
      null,
      { unifiedCustomer: { id: seeded.kari } },
      { unifiedCustomer: { name: "Ola Hansen" } },
      { unifiedCustomer: null },
    ]);
    // customers by id, then one lookup by source record for all references of any type
    assert.equal(result.extensions?.sqlQueries, 2);
  });

  test("syncRuns: newest first with cursors and a status filter; syncRun(id) with progress", async () => {
    const first = await asIntegrator(`{ syncRuns(first: 2) { totalCount edges { node { id } } pageInfo { endCursor hasNextPage } } }`);
    assert.deepEqual(
      first.data.syncRuns.edges.map((e: any) => e.node.id),
      [seeded.runs[4], seeded.runs[3]],
    );
    assert.equal(first.data.syncRuns.totalCount, 5);
    const second = await asIntegrator(
      `query($after: String) { syncRuns(first: 10, after: $after) { edges { node { id } } pageInfo { hasNextPage } } }`,
      { after: first.data.syncRuns.pageInfo.endCursor },
    );
    assert.deepEqual(
      second.data.syncRuns.edges.map((e: any) => e.node.id),
      [seeded.runs[2], seeded.runs[1], seeded.runs[0]],
    );
    assert.equal(second.data.syncRuns.pageInfo.hasNextPage, false);
    const running = await asIntegrator(
      `{ syncRuns(status: RUNNING) { edges { node { id status phase progress batchesDone batchesTotal counts { seen } } } } }`,
    );
    assert.deepEqual(running.data.syncRuns.edges, [
      { node: { id: seeded.runs[4], status: "RUNNING", phase: "processing", progress: 0.25, batchesDone: 1, batchesTotal: 4, counts: { seen: 40 } } },
    ]);
    const one = await asIntegrator(`query($id: ID!) { syncRun(id: $id) { requestedBy flows mode } }`, { id: seeded.runs[0] });
    assert.deepEqual(one.data.syncRun, { requestedBy: "schedule", flows: ["F1", "F2"], mode: "INCREMENTAL" });
  });

  test("syncRun says why a run finished partial, which run a queued one waits for, and what the runs it waited for did", async () => {
    const [partial, waiter, blocker] = [randomUUID(), randomUUID(), randomUUID()];
    await subgraph.db.knex("sync_runs").insert([
      {
        id: partial,
        requested_by: "schedule",
        flows: ["F1"],
        mode: "incremental",
        status: "partial",
        errors: 2,
        waiting: 1,
        error: "Finished, but could not read poweroffice.ContactPerson completely (HTTP 500); the next run reads it again",
        detail: JSON.stringify({
          phase: "finished",
          shortfalls: ["could not read poweroffice.ContactPerson completely (HTTP 500); the next run reads it again"],
          read: { incomplete: [{ source: "poweroffice.ContactPerson", reason: "HTTP 500" }], recovered: ["chargebee.customer"] },
        }),
      },
      { id: blocker, requested_by: "cli", flows: ["F8", "F9"], mode: "incremental", status: "running", quarantined: 3 },
      {
        id: waiter,
        requested_by: "cli",
        flows: ["F8", "F9"],
        mode: "incremental",
        status: "queued",
        detail: JSON.stringify({ phase: "waiting", waitingFor: { runId: blocker, flows: ["F8", "F9"], since: "2026-12-03T10:00:00.000Z" } }),
      },
    ]);
    const fields =
      "status error shortfalls incompleteSources { source reason } recoveredSources waitingForRunId counts { errors waiting } waited { runId flows since until status counts { quarantined } }";
    const one = await asIntegrator(`query($id: ID!) { syncRun(id: $id) { ${fields} } }`, { id: partial });
    assert.deepEqual(one.data.syncRun, {
      status: "PARTIAL",
      error: "Finished, but could not read poweroffice.ContactPerson completely (HTTP 500); the next run reads it again",
      shortfalls: ["could not read poweroffice.ContactPerson completely (HTTP 500); the next run reads it again"],
      incompleteSources: [{ source: "poweroffice.ContactPerson", reason: "HTTP 500" }],
      recoveredSources: ["chargebee.customer"],
      waitingForRunId: null,
      counts: { errors: 2, waiting: 1 },
      waited: [],
    });
    const queued = await asIntegrator(`query($id: ID!) { syncRun(id: $id) { ${fields} } }`, { id: waiter });
    assert.equal(queued.data.syncRun.waitingForRunId, blocker);
    assert.deepEqual(queued.data.syncRun.waited, [
      { runId: blocker, flows: ["F8", "F9"], since: "2026-12-03T10:00:00.000Z", until: null, status: "RUNNING", counts: { quarantined: 3 } },
    ]);
    await subgraph.db.knex("sync_runs").whereIn("id", [partial, waiter, blocker]).delete();
  });

  test("runSync and syncRecord queue runs requested by the caller the gateway names", async () => {
    const run = await asIntegrator(`mutation { runSync(flows: ["F1", "F3"], mode: FULL) { id status requestedBy mode flows } }`);
    assert.equal(run.errors, undefined);
    assert.deepEqual(
      { ...run.data.runSync, id: undefined },
      { id: undefined, status: "QUEUED", requestedBy: "ops-team", mode: "FULL", flows: ["F1", "F3"] },
    );
    assert.deepEqual(calls.at(-1), { name: "requestSyncRun", input: { flows: ["F1", "F3"], mode: "full", requestedBy: "ops-team" } });
    const record = await asIntegrator(`mutation { syncRecord(system: POWEROFFICE, type: "ContactPerson", id: "101") { id status } }`);
    assert.equal(record.data.syncRecord.status, "QUEUED");
    assert.deepEqual(calls.at(-1), {
      name: "requestRecordSync",
      input: { system: "poweroffice", entity: "ContactPerson", sourceId: "101", requestedBy: "ops-team" },
    });
    const badFlow = await asIntegrator(`mutation { runSync(flows: ["F99"]) { id } }`);
    assert.equal(badFlow.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
  });

  test("syncFlows lists F1 to F12 with their fields", async () => {
    const result = await asIntegrator(`{ syncFlows { id kind powerofficeType chargebeeType fields { key poweroffice chargebee } } }`);
    assert.equal(result.errors, undefined);
    assert.deepEqual(
      result.data.syncFlows.map((flow: any) => flow.id),
      ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12"],
    );
    assert.deepEqual(result.data.syncFlows[10], { id: "F11", kind: "ITEM", powerofficeType: "Product", chargebeeType: "item", fields: [] });
    assert.deepEqual(result.data.syncFlows[11], { id: "F12", kind: "ORDER", powerofficeType: "SalesOrder", chargebeeType: "invoice", fields: [] });
    assert.deepEqual(
      result.data.syncFlows[0].fields.find((field: any) => field.key === "email"),
      { key: "email", poweroffice: "EmailAddress", chargebee: "email" },
    );
    assert.deepEqual(result.data.syncFlows[6], {
      id: "F7",
      kind: "ITEM",
      powerofficeType: "Product",
      chargebeeType: "item",
      fields: [{ key: "name", poweroffice: "Name", chargebee: "name" }],
    });
  });

  test("syncFlows shows each field's conflict policy; a manual conflict has a policy and no winner", async () => {
    subgraph.deps.conflictPolicy = parseConflictPolicy("F1.lastName=manual,email=chargebee").rules;
    const [manual] = await subgraph.db
      .knex("conflicts")
      .insert({
        unified_id: seeded.kari,
        flow: "F1",
        field: "lastName",
        poweroffice_value: JSON.stringify("Dal"),
        chargebee_value: JSON.stringify("Berg"),
        winner: null,
        policy: "manual",
        reason: "SYNC_CONFLICT_POLICY makes lastName manual: neither side is written until resolveConflict decides",
      })
      .returning("id");
    try {
      const flows = await asIntegrator(`{ syncFlows { id fields { key conflictPolicy } } }`);
      assert.equal(flows.errors, undefined);
      const byId = new Map(flows.data.syncFlows.map((flow: any) => [flow.id, flow.fields]));
      assert.deepEqual(byId.get("F1"), [
        { key: "email", conflictPolicy: "CHARGEBEE" },
        { key: "firstName", conflictPolicy: "NEWEST" },
        { key: "lastName", conflictPolicy: "MANUAL" },
      ]);
      assert.deepEqual(byId.get("F2"), [
        { key: "email", conflictPolicy: "CHARGEBEE" },
        { key: "firstName", conflictPolicy: "NEWEST" },
        { key: "lastName", conflictPolicy: "NEWEST" },
      ]);
      const conflict = await asIntegrator(`{ conflicts(unifiedId: "${seeded.kari}") { edges { node { id field winner policy } } } }`);
      assert.equal(conflict.errors, undefined);
      const nodes = conflict.data.conflicts.edges.map(({ node }: any) => ({ ...node, id: Number(node.id) }));
      assert.deepEqual(nodes[0], { id: Number(manual.id), field: "lastName", winner: null, policy: "MANUAL" });
      assert.equal(nodes.at(-1).policy, "NEWEST", "a conflict recorded before the policy existed is NEWEST");
    } finally {
      delete subgraph.deps.conflictPolicy;
      await subgraph.db.knex("conflicts").where({ id: manual.id }).delete();
    }
  });

  test("mutations: FORBIDDEN for a reader, UNAVAILABLE without a job queue", async () => {
    const reader = await subgraph.query<any>(`mutation { runSync { id } }`, undefined, READER);
    assert.equal(reader.errors?.[0]?.extensions?.code, "FORBIDDEN");
    const commands = subgraph.deps.commands;
    subgraph.deps.commands = null;
    try {
      const noQueue = await asIntegrator(`mutation { runSync { id } }`);
      assert.equal(noQueue.errors?.[0]?.extensions?.code, "UNAVAILABLE");
      assert.match(noQueue.errors![0]!.message, /job queue is not running/);
    } finally {
      subgraph.deps.commands = commands;
    }
  });

  test("resolveConflict: NOT_FOUND, BAD_USER_INPUT, CONFLICT when already resolved, then resolved by the caller", async () => {
    const missing = await asIntegrator(`mutation { resolveConflict(id: "999999", winner: POWEROFFICE) { id } }`);
    assert.equal(missing.errors?.[0]?.extensions?.code, "NOT_FOUND");
    const neither = await asIntegrator(`mutation($id: ID!) { resolveConflict(id: $id) { id } }`, { id: String(seeded.conflictId) });
    assert.equal(neither.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    const done = await asIntegrator(`mutation($id: ID!) { resolveConflict(id: $id, winner: CHARGEBEE) { id } }`, {
      id: String(seeded.resolvedConflictId),
    });
    assert.equal(done.errors?.[0]?.extensions?.code, "CONFLICT");
    const resolved = await asIntegrator(
      `mutation($id: ID!) { resolveConflict(id: $id, value: "Nordmann-Berg") { status resolvedBy resolvedValue customer { id } } }`,
      { id: String(seeded.conflictId) },
    );
    assert.equal(resolved.errors, undefined);
    assert.deepEqual(resolved.data.resolveConflict, {
      status: "RESOLVED",
      resolvedBy: "ops-team",
      resolvedValue: "Nordmann-Berg",
      customer: { id: seeded.kari },
    });
    const open = await asIntegrator(`{ conflicts { totalCount } resolved: conflicts(status: RESOLVED) { totalCount } }`);
    assert.deepEqual(open.data, { conflicts: { totalCount: 0 }, resolved: { totalCount: 2 } });
  });

  test("quarantine list and retryQuarantined", async () => {
    const list = await asIntegrator(`{ quarantine(system: POWEROFFICE) { edges { node { id flow sourceId status attempts } } } }`);
    assert.deepEqual(list.data.quarantine.edges, [
      { node: { id: String(seeded.quarantineId), flow: "F1", sourceId: "101", status: "OPEN", attempts: 1 } },
    ]);
    const retried = await asIntegrator(`mutation($id: ID!) { retryQuarantined(id: $id) { status } }`, { id: String(seeded.quarantineId) });
    assert.deepEqual(retried.data.retryQuarantined, { status: "RELEASED" });
    const again = await asIntegrator(`mutation($id: ID!) { retryQuarantined(id: $id) { status } }`, { id: String(seeded.quarantineId) });
    assert.equal(again.errors?.[0]?.extensions?.code, "CONFLICT");
  });

  test("link and unlink; command errors keep their code, unexpected ones are hidden", async () => {
    const linked = await asIntegrator(
      `mutation { link(input: { flow: "F2", powerofficeId: "88", chargebeeId: "po-contactperson-101" }) { kind customer { id powerofficeEmployees { id } } } }`,
    );
    assert.equal(linked.errors, undefined);
    assert.deepEqual(linked.data.link, { kind: "CUSTOMER", customer: { id: seeded.kari, powerofficeEmployees: [{ id: "88" }] } });
    const unlinked = await asIntegrator(
      `mutation { unlink(input: { system: POWEROFFICE, type: "Employee", id: "88" }) { unifiedId customer { powerofficeEmployees { id } } } }`,
    );
    assert.deepEqual(unlinked.data.unlink, { unifiedId: seeded.kari, customer: { powerofficeEmployees: [] } });
    const notLinked = await asIntegrator(`mutation { unlink(input: { system: CHARGEBEE, type: "customer", id: "nobody" }) { unifiedId } }`);
    assert.equal(notLinked.errors?.[0]?.extensions?.code, "NOT_FOUND");

    await subgraph.db.knex("links").insert([
      { unified_id: seeded.ola, system: "poweroffice", entity: "Employee", source_id: "explode", flow: "F2" },
      { unified_id: seeded.ola, system: "poweroffice", entity: "Employee", source_id: "refused", flow: "F2" },
    ]);
    const refused = await asIntegrator(`mutation { unlink(input: { system: POWEROFFICE, type: "Employee", id: "refused" }) { unifiedId } }`);
    assert.deepEqual(
      refused.errors?.map((e) => [e.message, e.extensions?.code]),
      [["That link is managed by a flow rule", "CONFLICT"]],
    );
    const exploded = await asIntegrator(`mutation { unlink(input: { system: POWEROFFICE, type: "Employee", id: "explode" }) { unifiedId } }`);
    assert.equal(exploded.errors?.[0]?.extensions?.code, "INTERNAL_SERVER_ERROR");
    assert.doesNotMatch(JSON.stringify(exploded), /secret\/path|on fire|stack/);
  });

  test("refuses requests without the shared secret (403), answers /healthz", async () => {
    const noSecret = await fetch(subgraph.server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    assert.equal(noSecret.status, 403);
    const wrong = await fetch(subgraph.server.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-subgraph-secret": SECRET.slice(1) },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    assert.equal(wrong.status, 403);
    assert.equal(((await wrong.json()) as any).errors[0].extensions.code, "FORBIDDEN");
    const right = await subgraph.query<any>("{ __typename }");
    assert.deepEqual(right.data, { __typename: "Query" });
    const health = await fetch(subgraph.server.url.replace("/graphql", "/healthz"));
    assert.equal(health.status, 200);
  });
});
