/**
 * updateCustomer and updateItem through the gateway of the app as npm start starts it (both sandboxes, the worker, the
 * subgraphs): the new value reaches every linked record in both systems, the history names the mutation and the key,
 * a value a system would refuse is BAD_USER_INPUT naming the field and the system and changes nothing, and a reader
 * is refused.
 */
import { after, before, mock, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logging/logger.js";
import { startApp, type RunningApp } from "../../src/app/start-app.js";
import { createTestDatabase, usingServer, type TestDatabase } from "../helpers/database.js";
import { freePort } from "../helpers/free-port.js";

let app: RunningApp | undefined;
let dataDir: string;
let serverDb: TestDatabase | undefined;
let gatewayPort: number;
const WRITER_KEY = "write-through-test-integrator-key";
const READER_KEY = "write-through-test-reader-key";

async function send(query: string, variables: Record<string, unknown> = {}, key?: string): Promise<any> {
  const response = await fetch(`http://127.0.0.1:${gatewayPort}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { "x-api-key": key } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

async function waitForIdle(): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const body = await send("{ syncRuns(first: 20) { edges { node { status } } } }", {}, READER_KEY);
    const busy = body.data.syncRuns.edges.filter((edge: any) => edge.node.status === "QUEUED" || edge.node.status === "RUNNING");
    if (busy.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the first sync did not finish");
}

before(
  async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "write-through-"));
    gatewayPort = await freePort();
    if (usingServer) serverDb = await createTestDatabase({ migrate: false });
    const config = loadConfig({
      DATA_DIR: dataDir,
      API_KEYS: `frontend:integrator:${WRITER_KEY},analyst:reader:${READER_KEY}`,
      PORT: String(gatewayPort),
      POWEROFFICE_SANDBOX_PORT: String(await freePort()),
      CHARGEBEE_SANDBOX_PORT: String(await freePort()),
      ...(serverDb ? { DATABASE_URL: serverDb.url! } : {}),
    });
    const log = mock.method(console, "log", () => {});
    try {
      app = await startApp(config, silentLogger);
    } finally {
      log.mock.restore();
    }
    await waitForIdle();
  },
  { timeout: 180_000 },
);

after(async () => {
  await app?.stop();
  await serverDb?.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const PERSON = /* GraphQL */ `
  query Person($id: ID!) {
    customer(id: $id) {
      id
      firstName
      email
      powerofficeContactPersons {
        id
        firstName
        emailAddress
      }
      chargebee {
        id
        firstName
        email
      }
    }
  }
`;

const UPDATE = /* GraphQL */ `
  mutation Update($id: ID!, $input: UpdateCustomerInput!) {
    updateCustomer(id: $id, input: $input) {
      complete
      customer {
        firstName
        email
      }
      writes {
        system
        type
        flow
        fields
        status
      }
      run {
        status
        requestedBy
      }
    }
  }
`;

/** A customer that is one contact person and one Chargebee customer, and nothing else. */
async function contactPersonCustomer(): Promise<any> {
  const body = await send(
    `{ customers(first: 100) { edges { node { id powerofficeContactPersons { id } powerofficeEmployees { id } powerofficeCustomer { id } chargebee { id } } } } }`,
    {},
    READER_KEY,
  );
  const node = body.data.customers.edges
    .map((edge: any) => edge.node)
    .find((c: any) => c.powerofficeContactPersons.length === 1 && c.powerofficeEmployees.length === 0 && !c.powerofficeCustomer && c.chargebee);
  assert.ok(node, "the demo has a customer that is one contact person");
  return (await send(PERSON, { id: node.id }, READER_KEY)).data.customer;
}

test("updateCustomer writes the new first name to PowerOffice and Chargebee, and the history names the mutation and the key", async () => {
  const before = await contactPersonCustomer();
  const body = await send(UPDATE, { id: before.id, input: { firstName: "Gjennomskrevet" } }, WRITER_KEY);
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  const result = body.data.updateCustomer;
  assert.equal(result.complete, true);
  assert.equal(result.customer.firstName, "Gjennomskrevet");
  assert.deepEqual(result.run, { status: "SUCCEEDED", requestedBy: "frontend" });
  assert.deepEqual(
    result.writes.map((w: any) => [w.system, w.type, w.flow, w.fields, w.status]),
    [
      ["POWEROFFICE", "ContactPerson", "F1", ["firstName"], "WRITTEN"],
      ["CHARGEBEE", "customer", "F1", ["firstName"], "WRITTEN"],
    ],
  );
  const afterwards = (await send(PERSON, { id: before.id }, READER_KEY)).data.customer;
  assert.equal(afterwards.powerofficeContactPersons[0].firstName, "Gjennomskrevet");
  assert.equal(afterwards.chargebee.firstName, "Gjennomskrevet");

  const history = await send(
    `query H($id: ID!) { customer(id: $id) { history(first: 10) { edges { node { system field before after why who } } } } }`,
    { id: before.id },
    READER_KEY,
  );
  const rows = history.data.customer.history.edges.map((edge: any) => edge.node).filter((row: any) => row.why === "MUTATION");
  assert.deepEqual(
    rows.map((row: any) => [row.system, row.field, row.before, row.after, row.who]).sort(),
    [
      ["CHARGEBEE", "firstName", before.chargebee.firstName, "Gjennomskrevet", "frontend"],
      ["POWEROFFICE", "firstName", before.powerofficeContactPersons[0].firstName, "Gjennomskrevet", "frontend"],
    ].sort(),
  );

  // A second write of the same value has nothing to write.
  const again = await send(UPDATE, { id: before.id, input: { firstName: "Gjennomskrevet" } }, WRITER_KEY);
  assert.deepEqual(
    again.data.updateCustomer.writes.map((w: any) => w.status),
    ["UNCHANGED", "UNCHANGED"],
  );
});

test("a value Chargebee would refuse is BAD_USER_INPUT naming the field and the system, and neither side changes", async () => {
  const before = await contactPersonCustomer();
  const body = await send(UPDATE, { id: before.id, input: { email: "not an email" } }, WRITER_KEY);
  assert.equal(body.data?.updateCustomer ?? null, null);
  assert.equal(body.errors[0].extensions.code, "BAD_USER_INPUT");
  assert.equal(body.errors[0].extensions.field, "email");
  assert.equal(body.errors[0].extensions.system, "CHARGEBEE");
  assert.match(body.errors[0].message, /^email: Chargebee refuses it: "not an email" is not an email address/);
  const afterwards = (await send(PERSON, { id: before.id }, READER_KEY)).data.customer;
  assert.equal(afterwards.powerofficeContactPersons[0].emailAddress, before.powerofficeContactPersons[0].emailAddress);
  assert.equal(afterwards.chargebee.email, before.chargebee.email);

  const cleared = await send(UPDATE, { id: before.id, input: { lastName: null } }, WRITER_KEY);
  assert.equal(cleared.errors[0].message, "lastName: PowerOffice and Chargebee refuse it: it is required and cannot be cleared");
  const notHeld = await send(UPDATE, { id: before.id, input: { company: "AS" } }, WRITER_KEY);
  assert.match(notHeld.errors[0].message, /^company: no record linked to this customer holds it \(linked: F1 ContactPerson \d+\)$/);
});

test("a reader key cannot write through, nor a call without a key", async () => {
  const before = await contactPersonCustomer();
  const reader = await send(UPDATE, { id: before.id, input: { firstName: "Leser" } }, READER_KEY);
  assert.equal(reader.errors[0].extensions.code, "FORBIDDEN");
  const anonymous = await send(UPDATE, { id: before.id, input: { firstName: "Leser" } });
  assert.equal(anonymous.errors[0].extensions.code, "UNAUTHENTICATED");
  assert.equal((await send(PERSON, { id: before.id }, READER_KEY)).data.customer.firstName, before.firstName);
});

test("updateItem renames the PowerOffice product and the Chargebee item", async () => {
  const list = await send(`{ items(first: 20) { edges { node { id name powerofficeProduct { id } chargebee { id } } } } }`, {}, READER_KEY);
  assert.equal(list.errors, undefined, JSON.stringify(list.errors));
  const item = list.data.items.edges.map((edge: any) => edge.node).find((node: any) => node.powerofficeProduct && node.chargebee);
  assert.ok(item, "the demo has a linked item");
  const body = await send(
    `mutation($id: ID!) { updateItem(id: $id, input: { name: "Omdøpt vare" }) { complete item { name powerofficeProduct { name } chargebee { name } } writes { system status } } }`,
    { id: item.id },
    WRITER_KEY,
  );
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  const result = body.data.updateItem;
  assert.equal(result.complete, true);
  assert.deepEqual(
    [result.item.name, result.item.powerofficeProduct.name, result.item.chargebee.name],
    ["Omdøpt vare", "Omdøpt vare", "Omdøpt vare"],
  );
  assert.deepEqual(
    result.writes.map((w: any) => [w.system, w.status]),
    [
      ["POWEROFFICE", "WRITTEN"],
      ["CHARGEBEE", "WRITTEN"],
    ],
  );
});
