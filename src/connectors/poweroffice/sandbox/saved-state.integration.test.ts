import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { after, describe, test } from "node:test";
import { pino } from "pino";
import { freePort } from "../../../../test/helpers/free-port.js";
import { sandboxStateDirectory } from "../../sandbox-state/index.js";
import { killHard, startSandboxProcess } from "../../sandbox-state/test-support/sandbox-process.js";
import { POWEROFFICE_SANDBOX_DEMO_KEYS, SANDBOX_SPECIAL_RECORDS, startPowerOfficeSandbox } from "./index.js";

const keys = POWEROFFICE_SANDBOX_DEMO_KEYS;
const RESOURCES = ["Customers", "ContactPersons", "Employees", "Departments", "Products", "SalesOrders"] as const;
const directories: string[] = [];

after(() => {
  for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
});

function tempDataDir(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "po-saved-state-"));
  directories.push(directory);
  return directory;
}

type Json = Record<string, unknown>;

/** A client of a sandbox at `root` (http://127.0.0.1:port), with a token of its own. */
async function clientOf(root: string) {
  const grant = await fetch(`${root}/OAuth/Token`, {
    method: "POST",
    headers: {
      Authorization: `Basic ${Buffer.from(`${keys.applicationKey}:${keys.clientKey}`).toString("base64")}`,
      "Ocp-Apim-Subscription-Key": keys.subscriptionKey,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  assert.equal(grant.status, 200);
  const token = ((await grant.json()) as { access_token: string }).access_token;
  const call = async (method: string, route: string, body?: unknown): Promise<{ status: number; text: string; json: Json }> => {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, "Ocp-Apim-Subscription-Key": keys.subscriptionKey };
    if (body !== undefined) headers["Content-Type"] = method === "PATCH" ? "application/json-patch+json" : "application/json";
    const response = await fetch(`${root}/v2${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, text, json: text ? (JSON.parse(text) as Json) : {} };
  };
  /** Every record as the API lists it, and every sales order with its lines: what a sync can see. */
  const everything = async (): Promise<Record<string, string>> => {
    const seen: Record<string, string> = {};
    for (const resource of RESOURCES) seen[resource] = (await call("GET", `/${resource}?PageSize=20000`)).text;
    for (const order of JSON.parse(seen.SalesOrders!) as Json[])
      seen[`order ${String(order.Id)}`] = (await call("GET", `/SalesOrders/${String(order.Id)}/Complete`)).text;
    return seen;
  };
  return { call, everything };
}

type Client = Awaited<ReturnType<typeof clientOf>>;

/** Writes of every kind: create, patch, delete, a sales order with lines, a line added. Returns what was created. */
async function someWrites(client: Client, tag: string): Promise<{ customerId: number; productId: number; orderId: string }> {
  const customer = await client.call("POST", "/Customers", { Name: `Lagret ${tag} AS`, EmailAddress: `post@lagret-${tag}.no` });
  assert.equal(customer.status, 201, customer.text);
  const product = await client.call("POST", "/Products", { Name: `Lagret vare ${tag}`, UnitPrice: 250 });
  assert.equal(product.status, 200, product.text);
  const customerId = customer.json.Id as number;
  const productId = product.json.Id as number;
  const person = await client.call("POST", `/ContactPersons/${customerId}`, {
    FirstName: "Lagret",
    LastName: tag,
    EmailAddress: `lagret.${tag}@lagret.no`,
  });
  assert.equal(person.status, 201, person.text);
  const patched = await client.call("PATCH", `/Customers/${SANDBOX_SPECIAL_RECORDS.companyWithoutOrders}`, [
    { op: "replace", path: "/WebsiteUrl", value: `www.${tag}.no` },
  ]);
  assert.equal(patched.status, 200, patched.text);
  const removed = await client.call("DELETE", `/ContactPersons/${customerId}/${String(person.json.Id)}`);
  assert.equal(removed.status, 200, removed.text);
  const order = await client.call("POST", "/SalesOrders/Complete", {
    CustomerId: customerId,
    SalesOrderLines: [{ ProductId: productId, Quantity: 3 }],
  });
  assert.equal(order.status, 201, order.text);
  const orderId = order.json.Id as string;
  const line = await client.call("POST", `/SalesOrders/${orderId}/Lines`, { ProductId: productId, Quantity: 1, ProductUnitPrice: 99 });
  assert.equal(line.status, 201, line.text);
  return { customerId, productId, orderId };
}

/** Checks that new writes after a restart go on from where the numbering stopped. */
async function assertNumberingGoesOn(client: Client, before: Record<string, string>): Promise<void> {
  const customers = JSON.parse(before.Customers!) as Json[];
  const orders = JSON.parse(before.SalesOrders!) as Json[];
  const lastChanged = Math.max(
    ...RESOURCES.flatMap((resource) => (JSON.parse(before[resource]!) as Json[]).map((r) => Date.parse(String(r.LastChangedDateTimeOffset)))),
  );
  const next = await client.call("POST", "/Customers", { Name: "Etter omstart AS", EmailAddress: "post@etter-omstart.no" });
  assert.equal(next.status, 201, next.text);
  assert.equal(next.json.Id, Math.max(...customers.map((c) => c.Id as number)) + 1, "the next contact id follows the last one");
  assert.equal(next.json.Number, Math.max(...customers.map((c) => c.Number as number)) + 1, "customer numbers go on");
  assert.ok(Date.parse(String(next.json.LastChangedDateTimeOffset)) >= lastChanged, "timestamps never go backwards");
  const order = await client.call("POST", "/SalesOrders/Complete", { CustomerId: next.json.Id, SalesOrderLines: [] });
  assert.equal(order.status, 201, order.text);
  assert.ok(!orders.some((o) => o.Id === order.json.Id), "a new sales order's UUID is not one handed out before");
  assert.equal(order.json.SalesOrderNo, Math.max(...orders.map((o) => o.SalesOrderNo as number)) + 1);
}

function capturingLogger() {
  const lines: Json[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(JSON.parse(line) as Json);
      done();
    },
  });
  return { logger: pino({ level: "debug" }, stream), lines };
}

describe("PowerOffice sandbox: saved state", () => {
  test("a clean restart serves the same records, and ids, numbers and timestamps go on", async () => {
    const stateDirectory = sandboxStateDirectory(tempDataDir());
    const first = await startPowerOfficeSandbox({ seed: 3, stateDirectory });
    assert.equal(first.savedState?.restored, false);
    const firstClient = await clientOf(first.apiBaseUrl.replace(/\/v2$/, ""));
    await someWrites(firstClient, "ren");
    first.store.edit("Customers", SANDBOX_SPECIAL_RECORDS.companyWithOrders, { PhoneNumber: "+47 55 00 00 00" });
    const before = await firstClient.everything();
    await first.close();

    const second = await startPowerOfficeSandbox({ seed: 3, stateDirectory });
    try {
      assert.equal(second.savedState?.restored, true);
      const secondClient = await clientOf(second.apiBaseUrl.replace(/\/v2$/, ""));
      assert.deepEqual(await secondClient.everything(), before);
      assert.equal(second.store.special.salesOrderId, first.store.special.salesOrderId);
      await assertNumberingGoesOn(secondClient, before);
    } finally {
      await second.close();
    }
  });

  test("another seed or size keeps the saved state and logs that they were ignored", async () => {
    const stateDirectory = sandboxStateDirectory(tempDataDir());
    const first = await startPowerOfficeSandbox({ seed: 3, stateDirectory });
    const counts = first.store.counts();
    await first.close();
    const { logger, lines } = capturingLogger();
    const second = await startPowerOfficeSandbox({ seed: 4, size: 300, stateDirectory, logger });
    try {
      assert.deepEqual(second.store.counts(), counts);
      assert.deepEqual([second.seed, second.size], [3, "demo"]);
      const warning = lines.find((line) => line.level === 40 && String(line.msg).includes("were ignored"));
      assert.ok(warning, `a warning about the ignored settings, got ${JSON.stringify(lines.map((l) => l.msg))}`);
    } finally {
      await second.close();
    }
  });

  test("killed with SIGKILL right after answers: every answered write is served after the restart", async () => {
    const dataDir = tempDataDir();
    const port = await freePort();
    const env = { DATA_DIR: dataDir, POWEROFFICE_SANDBOX_PORT: String(port), POWEROFFICE_SANDBOX_REQUESTS_PER_SECOND: "0" };
    const root = `http://127.0.0.1:${port}`;
    const child = await startSandboxProcess("poweroffice", env);
    let before: Record<string, string>;
    const answered: number[] = [];
    try {
      const client = await clientOf(root);
      await someWrites(client, "drept");
      before = await client.everything();
      // A burst in flight when the kill comes: the ones answered must survive; the others may or may not.
      const burst = Array.from({ length: 30 }, (_, i) =>
        client.call("POST", "/Products", { Name: `Drept ${i}` }).then((r) => {
          if (r.status === 200) answered.push(r.json.Id as number);
          if (answered.length === 10) child.child.kill("SIGKILL");
        }),
      );
      await Promise.allSettled(burst);
    } finally {
      await killHard(child);
    }
    assert.ok(answered.length >= 10);

    const restarted = await startSandboxProcess("poweroffice", env);
    try {
      const client = await clientOf(root);
      const after = await client.everything();
      for (const [key, text] of Object.entries(before)) {
        if (key === "Products") continue;
        assert.equal(after[key], text, `${key} as before the kill`);
      }
      const products = JSON.parse(after.Products!) as Json[];
      const productIds = products.map((p) => p.Id as number);
      for (const id of answered) assert.ok(productIds.includes(id), `answered product ${id} is served`);
      assert.equal(new Set(productIds).size, productIds.length);
      const next = await client.call("POST", "/Products", { Name: "Etter drapet" });
      assert.equal(next.json.Id, Math.max(...productIds) + 1, "the next id does not collide");
      assert.ok(
        restarted.output.some((line) => line.includes("restored from there")),
        restarted.output.join("\n"),
      );
    } finally {
      await killHard(restarted);
    }
  });

  test("an incomplete last change is dropped; other damage fails naming the file and what to do", async () => {
    const running = sandboxStateDirectory(tempDataDir());
    const first = await startPowerOfficeSandbox({ seed: 3, stateDirectory: running });
    const created = first.store.create("Products", { Name: "Før skaden" });
    await new Promise((resolve) => setImmediate(resolve));
    // The files as a SIGKILL now would leave them: the change is in the journal, not yet in the snapshot.
    const killedCopy = () => {
      const copy = sandboxStateDirectory(tempDataDir());
      fs.mkdirSync(copy, { recursive: true });
      for (const name of ["poweroffice.snapshot.jsonl", "poweroffice.journal.jsonl"])
        fs.copyFileSync(path.join(running, name), path.join(copy, name));
      return { directory: copy, journal: path.join(copy, "poweroffice.journal.jsonl"), snapshot: path.join(copy, "poweroffice.snapshot.jsonl") };
    };
    const torn = killedCopy();
    const damagedJournal = killedCopy();
    const damagedSnapshot = killedCopy();
    await first.close();
    const journalText = fs.readFileSync(torn.journal, "utf8");
    assert.match(journalText, /Før skaden/);

    fs.appendFileSync(torn.journal, '{"n":2,"c":{"counters":{"nextId"');
    const { logger, lines } = capturingLogger();
    const recovered = await startPowerOfficeSandbox({ seed: 3, stateDirectory: torn.directory, logger });
    try {
      assert.equal(recovered.store.get("Products", created.Id as number)?.Name, "Før skaden");
      assert.ok(lines.some((line) => line.level === 40 && String(line.msg).includes("dropped an incomplete last change")));
      assert.equal(fs.readFileSync(torn.journal, "utf8"), journalText, "the incomplete line is cut off");
    } finally {
      await recovered.close();
    }

    fs.writeFileSync(damagedJournal.journal, `not a change\n${journalText}`);
    await assert.rejects(startPowerOfficeSandbox({ stateDirectory: damagedJournal.directory }), (error: Error) => {
      assert.ok(error.message.includes(`${damagedJournal.journal}, line 1`), error.message);
      assert.match(error.message, /npm run db:reset/);
      return true;
    });

    const snapshotText = fs.readFileSync(damagedSnapshot.snapshot, "utf8");
    fs.writeFileSync(damagedSnapshot.snapshot, snapshotText.slice(0, Math.floor(snapshotText.length / 2)));
    await assert.rejects(startPowerOfficeSandbox({ stateDirectory: damagedSnapshot.directory }), (error: Error) => {
      assert.ok(error.message.startsWith(damagedSnapshot.snapshot), error.message);
      assert.match(error.message, /damaged.*npm run db:reset/);
      return true;
    });
    // A failed start lets go of the folder: a fixed one can be started at once.
    fs.rmSync(damagedSnapshot.snapshot);
    fs.rmSync(damagedSnapshot.journal);
    const fresh = await startPowerOfficeSandbox({ stateDirectory: damagedSnapshot.directory });
    assert.equal(fresh.savedState?.restored, false);
    await fresh.close();
  });

  test("when its state cannot be saved it answers 503 saying why, until it is restarted", async () => {
    const stateDirectory = sandboxStateDirectory(tempDataDir());
    const sandbox = await startPowerOfficeSandbox({ seed: 3, stateDirectory });
    const client = await clientOf(sandbox.apiBaseUrl.replace(/\/v2$/, ""));
    const kept = await client.call("POST", "/Products", { Name: "Lagret før feilen" });
    assert.equal(kept.status, 200);
    const flush = fs.fdatasyncSync;
    fs.fdatasyncSync = () => {
      throw Object.assign(new Error("ENOSPC: no space left on device, fdatasync"), { code: "ENOSPC" });
    };
    try {
      const refused = await client.call("POST", "/Products", { Name: "Ikke lagret" });
      assert.equal(refused.status, 503);
      assert.match(String(refused.json.detail), /could not save its state .*ENOSPC.*restarted/);
    } finally {
      fs.fdatasyncSync = flush;
    }
    assert.equal((await client.call("GET", "/Customers")).status, 503, "reads are refused too: they would serve what a restart may not");
    await sandbox.close();
    const restarted = await startPowerOfficeSandbox({ seed: 3, stateDirectory });
    try {
      assert.equal(restarted.store.get("Products", kept.json.Id as number)?.Name, "Lagret før feilen");
    } finally {
      await restarted.close();
    }
  });

  test("an admin reset reseeds and saves the new state; a second sandbox on the same folder is refused", async () => {
    const stateDirectory = sandboxStateDirectory(tempDataDir());
    const first = await startPowerOfficeSandbox({ seed: 3, stateDirectory });
    const created = first.store.create("Products", { Name: "Borte etter reset" });
    await assert.rejects(startPowerOfficeSandbox({ seed: 3, stateDirectory }), /in use by another sandbox in this process/);
    const reset = await fetch(`${first.adminUrl}/seed`, { method: "POST", body: JSON.stringify({ seed: 5 }) });
    assert.equal(reset.status, 200);
    const lastBefore = first.store.raw.clock.lastIssued;
    const counts = first.store.counts();
    await first.close();
    const second = await startPowerOfficeSandbox({ seed: 3, stateDirectory });
    try {
      assert.equal(second.store.get("Products", created.Id as number)?.Name, undefined, "the reset's seed, not the record made before it");
      assert.deepEqual([second.seed, second.store.counts()], [5, counts]);
      assert.ok(second.store.raw.clock.next() > lastBefore, "timestamps go on after the reset and the restart");
    } finally {
      await second.close();
    }
  });
});
