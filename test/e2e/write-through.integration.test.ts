/**
 * updateCustomer and updateItem through the gateway of the app as npm start starts it (both sandboxes, the worker, the
 * subgraphs): the new value reaches every linked record in both systems, the history names the mutation and the key,
 * a value a system would refuse is BAD_USER_INPUT naming the field and the system and changes nothing, and a reader
 * is refused. createCustomer makes a customer in the system it names, and the sync makes its partner in the other.
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
let powerofficeSandboxPort: number;
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
    powerofficeSandboxPort = await freePort();
    if (usingServer) serverDb = await createTestDatabase({ migrate: false });
    const config = loadConfig({
      DATA_DIR: dataDir,
      API_KEYS: `frontend:integrator:${WRITER_KEY},analyst:reader:${READER_KEY}`,
      PORT: String(gatewayPort),
      POWEROFFICE_SANDBOX_PORT: String(powerofficeSandboxPort),
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

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateCustomerInput!, $in: SourceSystem!) {
    createCustomer(input: $input, in: $in) {
      complete
      problem
      customer {
        id
        email
        firstName
        lastName
        billingAddress {
          line1
          city
          zip
          country
        }
        powerofficeCustomer {
          id
          isPerson
          name
          firstName
          lastName
          emailAddress
          externalImportReference
          mailAddress {
            city
            zipCode
          }
        }
        chargebee {
          id
          firstName
          lastName
          email
          company
        }
        history(first: 10) {
          edges {
            node {
              system
              field
              why
              who
            }
          }
        }
      }
      writes {
        system
        type
        sourceId
        flow
        status
      }
      run {
        status
        requestedBy
      }
    }
  }
`;

const address = { line1: "Storgata 1", city: "Oslo", zip: "0155", country: "NO" };

test("createCustomer in Chargebee: the sync makes the PowerOffice person customer, linked, and the history names the key", async () => {
  const input = { email: "ny.kunde@eksempel.no", firstName: "Ny", lastName: "Kunde", billingAddress: address };
  const body = await send(CREATE, { input, in: "CHARGEBEE" }, WRITER_KEY);
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  const result = body.data.createCustomer;
  assert.equal(result.problem, null);
  assert.equal(result.complete, true);
  assert.deepEqual(result.run, { status: "SUCCEEDED", requestedBy: "frontend" });
  const customer = result.customer;
  assert.match(customer.chargebee.id, /^gw-[0-9a-f-]{36}$/);
  assert.deepEqual(
    [customer.email, customer.firstName, customer.lastName, customer.billingAddress],
    ["ny.kunde@eksempel.no", "Ny", "Kunde", address],
  );
  assert.deepEqual(
    [customer.chargebee.firstName, customer.chargebee.lastName, customer.chargebee.email, customer.chargebee.company],
    ["Ny", "Kunde", "ny.kunde@eksempel.no", null],
  );
  const po = customer.powerofficeCustomer;
  assert.deepEqual(
    [po.isPerson, po.firstName, po.lastName, po.emailAddress, po.externalImportReference, po.mailAddress],
    [true, "Ny", "Kunde", "ny.kunde@eksempel.no", customer.chargebee.id, { city: "Oslo", zipCode: "0155" }],
  );
  assert.deepEqual(
    result.writes.map((w: any) => [w.system, w.type, w.sourceId, w.flow, w.status]),
    [
      ["CHARGEBEE", "customer", customer.chargebee.id, "F3", "WRITTEN"],
      ["POWEROFFICE", "Customer", po.id, "F3", "WRITTEN"],
    ],
  );
  const history = customer.history.edges.map((edge: any) => edge.node);
  assert.ok(
    history.some((row: any) => row.system === "CHARGEBEE" && row.field === null && row.why === "MUTATION" && row.who === "frontend"),
    JSON.stringify(history),
  );
  assert.ok(
    history.some((row: any) => row.system === "POWEROFFICE" && row.field === null && row.why === "CREATED"),
    JSON.stringify(history),
  );

  // The same person again is refused, naming the customer that is there; nothing new is made.
  const again = await send(CREATE, { input, in: "POWEROFFICE" }, WRITER_KEY);
  assert.equal(again.errors[0].extensions.code, "BAD_USER_INPUT");
  assert.equal(again.errors[0].extensions.field, "email");
  assert.equal(again.errors[0].extensions.existing.unifiedId, customer.id);
  assert.match(
    again.errors[0].message,
    /^email: there is already a person with the email ny\.kunde@eksempel\.no: .* change it with updateCustomer instead$/,
  );
});

test("createCustomer in PowerOffice: the sync makes the Chargebee customer (po-customer-<id>)", async () => {
  const body = await send(
    CREATE,
    { input: { email: "Per.Person@Eksempel.no", firstName: " Per ", lastName: "Person" }, in: "POWEROFFICE" },
    WRITER_KEY,
  );
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  const result = body.data.createCustomer;
  assert.equal(result.complete, true, result.problem);
  const po = result.customer.powerofficeCustomer;
  assert.deepEqual([po.isPerson, po.firstName, po.emailAddress], [true, "Per", "Per.Person@Eksempel.no"]);
  assert.match(po.externalImportReference, /^gw-/);
  assert.equal(result.customer.chargebee.id, `po-customer-${po.id}`);
  assert.deepEqual([result.customer.chargebee.firstName, result.customer.chargebee.email], ["Per", "Per.Person@Eksempel.no"]);
  assert.deepEqual(
    result.writes.map((w: any) => [w.system, w.type, w.status]),
    [
      ["POWEROFFICE", "Customer", "WRITTEN"],
      ["CHARGEBEE", "customer", "WRITTEN"],
    ],
  );
});

test("createCustomer refuses what a system would refuse before anything is made, and a refusal by the API makes nothing", async () => {
  const refused = async (input: Record<string, unknown>, system = "CHARGEBEE") => {
    const body = await send(CREATE, { input, in: system }, WRITER_KEY);
    assert.equal(body.data?.createCustomer ?? null, null);
    assert.equal(body.errors[0].extensions.code, "BAD_USER_INPUT", JSON.stringify(body.errors));
    return body.errors[0];
  };
  assert.equal(
    (await refused({ email: "uten.etternavn@eksempel.no", firstName: "Uten" })).message,
    "lastName: PowerOffice and Chargebee refuse it: a new customer needs it",
  );
  const company = await refused({ email: "post@firma.no", company: "Firma AS", firstName: "Ola" });
  assert.deepEqual([company.extensions.field, company.extensions.system], ["firstName", "POWEROFFICE"]);
  const zip = await refused({ email: "uten.postnummer@eksempel.no", firstName: "Uten", lastName: "Postnummer", billingAddress: { city: "Oslo" } });
  assert.deepEqual([zip.extensions.field, zip.extensions.system], ["address", "POWEROFFICE"]);

  // PowerOffice refuses the create itself (an injected 400: the values pass every rule we know of).
  const fault = await fetch(`http://127.0.0.1:${powerofficeSandboxPort}/_admin/faults`, {
    method: "POST",
    body: JSON.stringify({ kind: "status", status: 400, count: 1, method: "POST", pathIncludes: "/v2/Customers" }),
  });
  assert.equal(fault.status, 201);
  const input = { email: "avvist@eksempel.no", firstName: "Av", lastName: "Vist" };
  const vendor = await refused(input, "POWEROFFICE");
  assert.equal(vendor.extensions.system, "POWEROFFICE");
  assert.match(vendor.message, /^input: PowerOffice refused the new customer: .*400.*; nothing was made$/);
  const list = await send(
    `{ customers(first: 1, filter: { email: "avvist@eksempel.no" }) { edges { node { id } } } powerofficeCustomers(first: 1, filter: { email: "avvist@eksempel.no" }) { edges { node { id } } } }`,
    {},
    READER_KEY,
  );
  assert.equal(list.errors, undefined, JSON.stringify(list.errors));
  assert.deepEqual([list.data.customers.edges, list.data.powerofficeCustomers.edges], [[], []], "no customer was made");
  // The fault is used up: the same input now goes through.
  const retried = await send(CREATE, { input, in: "POWEROFFICE" }, WRITER_KEY);
  assert.equal(retried.errors, undefined, JSON.stringify(retried.errors));
  assert.equal(retried.data.createCustomer.complete, true);
});

test("a company made in PowerOffice waits for its first sales order before F4 makes its Chargebee customer, and the answer says so", async () => {
  const body = await send(CREATE, { input: { email: "post@nytt-firma.no", company: "Nytt Firma AS" }, in: "POWEROFFICE" }, WRITER_KEY);
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  const result = body.data.createCustomer;
  assert.equal(result.complete, false);
  assert.equal(result.customer, null);
  assert.deepEqual(
    result.writes.map((w: any) => [w.system, w.type, w.flow, w.status]),
    [["POWEROFFICE", "Customer", "F4", "WRITTEN"]],
  );
  assert.match(result.problem, /^PowerOffice Customer \d+ is made; F4 has not made its partner: .*sales order/);
});

test("createCustomer needs an integrator key", async () => {
  const body = await send(CREATE, { input: { email: "leser@eksempel.no", firstName: "Le", lastName: "Ser" }, in: "CHARGEBEE" }, READER_KEY);
  assert.equal(body.errors[0].extensions.code, "FORBIDDEN");
});
