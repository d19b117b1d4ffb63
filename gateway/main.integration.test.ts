import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "../test/helpers/free-port.js";
import { EventEmitter, once } from "node:events";
import { createInterface } from "node:readline";
import { startGreetingSubgraph, startTinySubgraphs, type TinySubgraph } from "./test-support/tiny-subgraphs.js";
import { createTestDatabase, usingServer } from "../test/helpers/database.js";
import { startChargebeeSandbox } from "../src/connectors/chargebee/sandbox/index.js";

const SECRET = "main-test-secret-0123456789abcdef";

/** `npm run gateway` as a child process: loopback, any port, JSON logs, no API keys; `env` adds or overrides. */
function spawnGateway(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "gateway/main.ts"], {
    env: {
      ...process.env,
      LOG_FORMAT: "json",
      LOG_LEVEL: "info",
      HOST: "127.0.0.1",
      PORT: "0",
      API_KEYS: "",
      DATABASE_URL: "",
      SUBGRAPH_SECRET: SECRET,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

const WEBHOOK_CREDENTIALS = { CHARGEBEE_WEBHOOK_USERNAME: "cb-hooks", CHARGEBEE_WEBHOOK_PASSWORD: "hook-password-0123456789" };

interface LogLine {
  msg: string;
  level: number;
}

let subgraphs: TinySubgraph[] = [];
let child: ChildProcess | undefined;

before(async () => {
  subgraphs = await startTinySubgraphs(SECRET);
});
after(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await Promise.all(subgraphs.map((s) => s.close()));
});

test("npm run gateway: waits for a late subgraph, serves, and exits 0 on SIGTERM", { timeout: 60_000 }, async () => {
  const latePort = await freePort();
  child = spawnGateway({
    POWEROFFICE_SUBGRAPH_URL: subgraphs[0]!.url,
    CHARGEBEE_SUBGRAPH_URL: subgraphs[1]!.url,
    LINK_SUBGRAPH_URL: `http://127.0.0.1:${latePort}/graphql`,
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const lines: LogLine[] = [];
  const emitter = new EventEmitter();
  const waitFor = (pattern: RegExp) =>
    new Promise<LogLine>((resolve, reject) => {
      const found = lines.find((l) => pattern.test(l.msg));
      if (found) return resolve(found);
      const onLine = (line: LogLine) => {
        if (pattern.test(line.msg)) {
          emitter.off("line", onLine);
          resolve(line);
        }
      };
      emitter.on("line", onLine);
      child!.once("exit", (code) => reject(new Error(`gateway exited (${code}) before "${pattern}": ${stderr}`)));
    });
  createInterface({ input: child.stdout! }).on("line", (text) => {
    try {
      const line = JSON.parse(text) as LogLine;
      lines.push(line);
      emitter.emit("line", line);
    } catch {
      // not a log line
    }
  });

  await waitFor(/^waiting for subgraph link at .*: not listening yet$/);
  const late = await startGreetingSubgraph(SECRET, latePort);
  subgraphs.push(late);
  const serving = await waitFor(/^gateway serving http:\/\/127\.0\.0\.1:\d+\/graphql/);
  await waitFor(/^local development mode: no API_KEYS and listening on loopback/);
  const graphqlUrl = /gateway serving (\S+)/.exec(serving.msg)![1]!;

  const response = await fetch(graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: '{ hello person(id: "p2") { name balance } }' }),
  });
  assert.deepEqual(await response.json(), { data: { hello: "hej", person: { name: "Alan Turing", balance: 80 } } });
  for (const line of lines) assert.ok(!JSON.stringify(line).includes(SECRET), "no log line carries the secret");

  child.kill("SIGTERM");
  const [code] = await once(child, "exit");
  assert.equal(code, 0, `exit code after SIGTERM (stderr: ${stderr})`);
  assert.ok(lines.some((l) => l.msg === "gateway stopped"));
});

test("npm run gateway without SUBGRAPH_SECRET says what to set and exits 1", { timeout: 30_000 }, async () => {
  const process2 = spawnGateway({ SUBGRAPH_SECRET: "" });
  let stderr = "";
  process2.stderr!.on("data", (chunk) => (stderr += chunk));
  const [code] = await once(process2, "exit");
  assert.equal(code, 1);
  assert.match(stderr, /gateway could not start: SUBGRAPH_SECRET is not set\..*openssl rand -hex 32/s);
});

test("npm run gateway with Chargebee webhook credentials but no DATABASE_URL says what to set and exits 1", { timeout: 30_000 }, async () => {
  const gateway = spawnGateway({
    ...WEBHOOK_CREDENTIALS,
    POWEROFFICE_SUBGRAPH_URL: subgraphs[0]!.url,
    CHARGEBEE_SUBGRAPH_URL: subgraphs[1]!.url,
    LINK_SUBGRAPH_URL: subgraphs[0]!.url,
  });
  let stderr = "";
  gateway.stderr!.on("data", (chunk) => (stderr += chunk));
  const [code] = await once(gateway, "exit");
  assert.equal(code, 1);
  assert.match(stderr, /gateway could not start: CHARGEBEE_WEBHOOK_USERNAME and CHARGEBEE_WEBHOOK_PASSWORD are set.*needs DATABASE_URL/s);
});

test(
  "npm run gateway with Chargebee webhook credentials receives webhooks into the datasets",
  { timeout: 60_000, skip: usingServer ? false : "needs a PostgreSQL server (DATABASE_URL): the embedded database belongs to one process" },
  async () => {
    const db = await createTestDatabase();
    const greeting = await startGreetingSubgraph(SECRET, await freePort());
    // The API the gateway's receiver confirms each delivery with (no site configured: the sandbox on this port).
    const chargebee = await startChargebeeSandbox({ size: "demo" });
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${(await db.knex.raw("select current_database() as name")).rows[0].name as string}`;
    const gateway = spawnGateway({
      ...WEBHOOK_CREDENTIALS,
      CHARGEBEE_SANDBOX_PORT: String(chargebee.port),
      DATABASE_URL: url.toString(),
      POWEROFFICE_SUBGRAPH_URL: subgraphs[0]!.url,
      CHARGEBEE_SUBGRAPH_URL: subgraphs[1]!.url,
      LINK_SUBGRAPH_URL: greeting.url,
    });
    try {
      let stderr = "";
      gateway.stderr!.on("data", (chunk) => (stderr += chunk));
      const serving = await new Promise<string>((resolve, reject) => {
        createInterface({ input: gateway.stdout! }).on("line", (text) => {
          const match = /gateway serving (\S+)\/graphql/.exec(text);
          if (match) resolve(match[1]!);
        });
        gateway.once("exit", (code) => reject(new Error(`gateway exited (${code}): ${stderr}`)));
      });
      chargebee.store.edit("customer", "cb-kari-nordmann", { email: "ola@example.no" });
      const event = chargebee.store.dump("event").at(-1)!;
      const post = (authorization: string, body: unknown = event) =>
        fetch(`${serving}/webhooks/chargebee`, {
          method: "POST",
          headers: { authorization, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const basic = (password: string) => `Basic ${Buffer.from(`${WEBHOOK_CREDENTIALS.CHARGEBEE_WEBHOOK_USERNAME}:${password}`).toString("base64")}`;
      const password = WEBHOOK_CREDENTIALS.CHARGEBEE_WEBHOOK_PASSWORD;
      const storedCustomer = () =>
        db.knex("dataset_records").where({ system: "chargebee", entity: "customer", source_id: "cb-kari-nordmann" }).first("data");
      assert.equal((await post(basic("wrong"))).status, 401);
      assert.equal(await storedCustomer(), undefined);
      assert.equal((await post(basic(password), { ...event, id: "ev_not_in_chargebee" })).status, 422, "an event the API does not know");
      assert.equal(await storedCustomer(), undefined);
      assert.equal((await post(basic(password))).status, 200);
      assert.equal(((await storedCustomer()) as { data: { email: string } }).data.email, "ola@example.no");
    } finally {
      if (gateway.exitCode === null) {
        gateway.kill("SIGTERM");
        await once(gateway, "exit");
      }
      await greeting.close();
      await chargebee.close();
      await db.dispose();
    }
  },
);
