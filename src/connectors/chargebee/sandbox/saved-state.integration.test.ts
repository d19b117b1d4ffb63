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
import { CHARGEBEE_SANDBOX_API_KEY, startChargebeeSandbox } from "./index.js";

const LISTS = ["customers", "items", "item_families", "item_prices", "invoices", "orders", "events", "business_entities/transfers"] as const;
const AUTH = `Basic ${Buffer.from(`${CHARGEBEE_SANDBOX_API_KEY}:`).toString("base64")}`;
const directories: string[] = [];

after(() => {
  for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
});

function tempDataDir(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "cb-saved-state-"));
  directories.push(directory);
  return directory;
}

type Json = Record<string, unknown>;

/** A client of the sandbox whose API is at `url` (http://…/api/v2). */
function clientOf(url: string) {
  const call = async (method: "GET" | "POST", route: string, form?: Record<string, string>, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: AUTH, ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}), ...headers },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: JSON.parse(text) as Json };
  };
  /** Every list page by page, deleted records included: what a sync can see. */
  const everything = async (): Promise<Record<string, string[]>> => {
    const seen: Record<string, string[]> = {};
    for (const list of LISTS) {
      const pages: string[] = [];
      let offset: string | undefined;
      do {
        const page = await call("GET", `/${list}?limit=100&include_deleted=true${offset ? `&offset=${encodeURIComponent(offset)}` : ""}`);
        assert.equal(page.status, 200, page.text);
        pages.push(page.text);
        offset = page.json.next_offset as string | undefined;
      } while (offset);
      seen[list] = pages;
    }
    return seen;
  };
  return { call, everything };
}

type Client = ReturnType<typeof clientOf>;

/** Writes of every kind: customers (custom and generated ids), an edit, a delete, the catalogue, an invoice, an order. */
async function someWrites(client: Client, tag: string): Promise<{ invoiceForm: Record<string, string>; invoiceKey: string }> {
  const expectOk = (response: { status: number; text: string }) => assert.equal(response.status, 200, response.text);
  expectOk(
    await client.call("POST", "/customers", { id: `po-saved-${tag}`, first_name: "Lagret", last_name: tag, email: `lagret.${tag}@example.no` }),
  );
  expectOk(await client.call("POST", "/customers", { first_name: "Uten", last_name: "Id" }));
  expectOk(await client.call("POST", `/customers/po-saved-${tag}`, { phone: "+47 55 00 00 00" }));
  const doomed = await client.call("POST", "/customers", { first_name: "Slettes" });
  expectOk(await client.call("POST", `/customers/${String((doomed.json.customer as Json).id)}/delete`, {}));
  expectOk(await client.call("POST", "/items", { id: `po-product-${tag}`, name: `Vare ${tag}`, type: "charge", item_family_id: "cb-general" }));
  expectOk(
    await client.call("POST", "/item_prices", {
      id: `po-product-${tag}-NOK`,
      item_id: `po-product-${tag}`,
      name: `Vare ${tag} NOK`,
      price: "25000",
      currency_code: "NOK",
      pricing_model: "per_unit",
    }),
  );
  const invoiceForm = {
    customer_id: `po-saved-${tag}`,
    currency_code: "NOK",
    auto_collection: "off",
    "item_prices[item_price_id][0]": `po-product-${tag}-NOK`,
    "item_prices[quantity][0]": "2",
  };
  const invoiceKey = `invoice-${tag}`;
  const invoice = await client.call("POST", "/invoices/create_for_charge_items_and_charges", invoiceForm, {
    "chargebee-idempotency-key": invoiceKey,
  });
  expectOk(invoice);
  expectOk(await client.call("POST", "/orders", { id: `po-salesorder-${tag}`, invoice_id: String((invoice.json.invoice as Json).id) }));
  return { invoiceForm, invoiceKey };
}

function maxOf(pages: string[], resource: string, field: string): number {
  return Math.max(...pages.flatMap((page) => (JSON.parse(page) as { list: Json[] }).list.map((entry) => Number((entry[resource] as Json)[field]))));
}

function idsOf(pages: string[], resource: string): string[] {
  return pages.flatMap((page) => (JSON.parse(page) as { list: Json[] }).list.map((entry) => String((entry[resource] as Json).id)));
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

describe("Chargebee sandbox: saved state", () => {
  test("a clean restart serves the same records and events, replays idempotency keys, and numbering goes on", async () => {
    const stateDirectory = sandboxStateDirectory(tempDataDir());
    const first = await startChargebeeSandbox({ seed: 3, stateDirectory });
    assert.equal(first.savedState?.restored, false);
    const { invoiceForm, invoiceKey } = await someWrites(clientOf(first.url), "ren");
    first.store.edit("customer", "cb-kari-nordmann", { phone: "+47 99 99 99 99" });
    const before = await clientOf(first.url).everything();
    await first.close();

    const second = await startChargebeeSandbox({ seed: 3, stateDirectory });
    try {
      assert.equal(second.savedState?.restored, true);
      const client = clientOf(second.url);
      assert.deepEqual(await client.everything(), before);
      assert.deepEqual(second.seeded, first.seeded);

      const replay = await client.call("POST", "/invoices/create_for_charge_items_and_charges", invoiceForm, {
        "chargebee-idempotency-key": invoiceKey,
      });
      assert.equal(replay.headers.get("chargebee-idempotency-replayed"), "true", "the key answered before the restart is replayed");
      assert.deepEqual(idsOf((await client.everything()).invoices, "invoice"), idsOf(before.invoices, "invoice"), "no second invoice");

      const next = await client.call("POST", "/customers", { first_name: "Etter", last_name: "Omstart" });
      assert.equal(next.status, 200, next.text);
      const customer = next.json.customer as Json;
      assert.ok(!idsOf(before.customers, "customer").includes(String(customer.id)), `a new generated id (${String(customer.id)})`);
      assert.ok(Number(customer.resource_version) > maxOf(before.customers, "customer", "resource_version"), "resource_version goes on increasing");
      const events = await client.everything();
      const newEvents = idsOf(events.events, "event").filter((id) => !idsOf(before.events, "event").includes(id));
      assert.equal(newEvents.length, 1, "one new event, with an id not used before");
      const invoice = await client.call("POST", "/invoices/create_for_charge_items_and_charges", invoiceForm);
      assert.equal(
        Number((invoice.json.invoice as Json).id),
        Math.max(...idsOf(before.invoices, "invoice").map(Number)) + 1,
        "invoice numbers go on",
      );
    } finally {
      await second.close();
    }
  });

  test("another seed or size keeps the saved state and logs that they were ignored", async () => {
    const stateDirectory = sandboxStateDirectory(tempDataDir());
    const first = await startChargebeeSandbox({ seed: 3, stateDirectory });
    const customers = first.store.count("customer");
    await first.close();
    const { logger, lines } = capturingLogger();
    const second = await startChargebeeSandbox({ seed: 4, size: 300, stateDirectory, logger });
    try {
      assert.equal(second.store.count("customer"), customers);
      assert.deepEqual(second.seedOptions, { seed: 3, size: "demo" });
      assert.ok(
        lines.some((line) => line.level === 40 && String(line.msg).includes("were ignored")),
        JSON.stringify(lines.map((l) => l.msg)),
      );
    } finally {
      await second.close();
    }
  });

  test("killed with SIGKILL right after answers: every answered write is served after the restart", async () => {
    const dataDir = tempDataDir();
    const port = await freePort();
    const args = ["--port", String(port), "--seed", "3"];
    const url = `http://127.0.0.1:${port}/api/v2`;
    const child = await startSandboxProcess("chargebee", { DATA_DIR: dataDir }, args);
    let before: Record<string, string[]>;
    const answered: string[] = [];
    try {
      const client = clientOf(url);
      await someWrites(client, "drept");
      before = await client.everything();
      // A burst in flight when the kill comes: the ones answered must survive; the others may or may not.
      const burst = Array.from({ length: 30 }, (_, i) =>
        client.call("POST", "/customers", { id: `po-burst-${i}`, first_name: "Burst" }).then((response) => {
          if (response.status === 200) answered.push(`po-burst-${i}`);
          if (answered.length === 10) child.child.kill("SIGKILL");
        }),
      );
      await Promise.allSettled(burst);
    } finally {
      await killHard(child);
    }
    assert.ok(answered.length >= 10);

    const restarted = await startSandboxProcess("chargebee", { DATA_DIR: dataDir }, args);
    try {
      const client = clientOf(url);
      const after = await client.everything();
      for (const list of LISTS) {
        if (list === "customers" || list === "events") continue;
        assert.deepEqual(after[list], before[list], `${list} as before the kill`);
      }
      const customers = idsOf(after.customers!, "customer");
      for (const id of [...idsOf(before.customers!, "customer"), ...answered]) assert.ok(customers.includes(id), `customer ${id} is served`);
      const events = idsOf(after.events!, "event");
      assert.ok(idsOf(before.events!, "event").every((id) => events.includes(id)));
      assert.equal(new Set(events).size, events.length);
      const next = await client.call("POST", "/customers", { first_name: "Etter", last_name: "Drapet" });
      assert.ok(!customers.includes(String((next.json.customer as Json).id)), "the next generated id does not collide");
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
    const first = await startChargebeeSandbox({ seed: 3, stateDirectory: running });
    first.store.edit("customer", "cb-kari-nordmann", { phone: "+47 12 34 56 78" });
    await new Promise((resolve) => setImmediate(resolve));
    // The files as a SIGKILL now would leave them: the change is in the journal, not yet in the snapshot.
    const killedCopy = () => {
      const copy = sandboxStateDirectory(tempDataDir());
      fs.mkdirSync(copy, { recursive: true });
      for (const name of ["chargebee.snapshot.jsonl", "chargebee.journal.jsonl"]) fs.copyFileSync(path.join(running, name), path.join(copy, name));
      return { directory: copy, journal: path.join(copy, "chargebee.journal.jsonl"), snapshot: path.join(copy, "chargebee.snapshot.jsonl") };
    };
    const torn = killedCopy();
    const damagedJournal = killedCopy();
    const damagedSnapshot = killedCopy();
    await first.close();
    const journalText = fs.readFileSync(torn.journal, "utf8");
    assert.match(journalText, /\+47 12 34 56 78/);

    fs.appendFileSync(torn.journal, '{"n":2,"c":{"records":[["customer",');
    const { logger, lines } = capturingLogger();
    const recovered = await startChargebeeSandbox({ seed: 3, stateDirectory: torn.directory, logger });
    try {
      assert.equal(recovered.store.retrieve("customer", "cb-kari-nordmann").phone, "+47 12 34 56 78");
      assert.ok(lines.some((line) => line.level === 40 && String(line.msg).includes("dropped an incomplete last change")));
      assert.equal(fs.readFileSync(torn.journal, "utf8"), journalText, "the incomplete line is cut off");
    } finally {
      await recovered.close();
    }

    fs.writeFileSync(damagedJournal.journal, `${journalText}{"n":2,"c":{"records":"not records","idempotency":[]}}\n`);
    await assert.rejects(startChargebeeSandbox({ stateDirectory: damagedJournal.directory }), (error: Error) => {
      assert.ok(error.message.includes(`${damagedJournal.journal}, line 2`), error.message);
      assert.match(error.message, /npm run db:reset/);
      return true;
    });

    const snapshotText = fs.readFileSync(damagedSnapshot.snapshot, "utf8");
    fs.writeFileSync(damagedSnapshot.snapshot, snapshotText.slice(0, Math.floor(snapshotText.length / 2)));
    await assert.rejects(startChargebeeSandbox({ stateDirectory: damagedSnapshot.directory }), (error: Error) => {
      assert.ok(error.message.startsWith(damagedSnapshot.snapshot), error.message);
      assert.match(error.message, /damaged.*npm run db:reset/);
      return true;
    });
  });

  test("an admin reset reseeds and saves the new state; undelivered webhooks are delivered after a restart", async () => {
    const stateDirectory = sandboxStateDirectory(tempDataDir());
    const port = await freePort();
    // Nothing listens on the webhook port yet: the first run's deliveries fail and wait for a retry.
    const webhook = { url: `http://127.0.0.1:${port}/hook`, retryScheduleMs: [3_600_000], timeoutMs: 500 };
    const first = await startChargebeeSandbox({ seed: 3, stateDirectory, webhook });
    await clientOf(first.url).call("POST", "/customers", { id: "po-before-reset" });
    const reset = await fetch(`${first.adminUrl}/reset`, {
      method: "POST",
      headers: { authorization: AUTH, "content-type": "application/json" },
      body: JSON.stringify({ seed: 5 }),
    });
    assert.equal(reset.status, 200);
    await clientOf(first.url).call("POST", "/customers", { id: "po-after-reset" });
    const pendingEvent = () => first.store.dump("event").find((event) => (event.content as { customer?: Json }).customer?.id === "po-after-reset");
    await until(() => pendingEvent()?.webhook_status === "re_scheduled");
    await first.close();

    const received: string[] = [];
    const { createServer } = await import("node:http");
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        received.push(String(((JSON.parse(body) as Json).content as { customer?: Json }).customer?.id));
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(port, "127.0.0.1", resolve));
    const second = await startChargebeeSandbox({ seed: 3, stateDirectory, webhook });
    try {
      assert.equal(second.store.raw("customer", "po-before-reset"), undefined, "the reset's seed, not the record made before it");
      assert.ok(second.store.raw("customer", "po-after-reset"));
      assert.equal(second.seedOptions.seed, 5);
      await until(() => received.includes("po-after-reset"));
    } finally {
      await second.close();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
