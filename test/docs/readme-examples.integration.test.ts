/**
 * Every example of README.md and subgraphs/README.md runs as written against a fresh `npm start`: the app is
 * started through startApp as src/main.ts does (the sandboxes with their demo data, the worker and its first sync,
 * the subgraphs and the gateway), on free ports with a DATA_DIR of its own, and each example is sent to the
 * gateway over HTTP in document order, as a reader pastes them into the IDE: queries with no key, mutations with
 * the local integrator key. A shell block that edits the sandboxes is run too, with this test's ports.
 *
 * An example fails on a non-2xx answer, any `errors` entry, or a top-level field that is null or an empty list —
 * a lookup of an id the demo does not have answers null, so "no error" alone would not catch it. An example whose
 * comment says its list is empty in the demo may be empty.
 */
import { after, before, mock, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { promisify } from "node:util";
import { print } from "graphql";
import { loadConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logging/logger.js";
import { startApp, type RunningApp } from "../../src/app/start-app.js";
import { LOCAL_INTEGRATOR_KEY } from "../../gateway/auth.js";
import { createTestDatabase, usingServer, type TestDatabase } from "../helpers/database.js";
import { freePort } from "../helpers/free-port.js";
import { docSteps, ROOT, type GraphqlStep, type ShellStep } from "./support/doc-examples.js";

const run = promisify(execFile);
const DOCS = ["README.md", "subgraphs/README.md"];
/** The runs these mutations queue are waited for before the next example, as a reader waits for a result. */
const QUEUES_A_RUN = new Set(["runSync", "syncRecord"]);
/** After a shell step: long enough for the webhook's sync, which the receiver starts 2 s after a delivery. */
const QUIET_AFTER_SHELL_MS = 3_500;

let app: RunningApp | undefined;
let dataDir: string;
let serverDb: TestDatabase | undefined;
let ports: { gateway: number; poweroffice: number; chargebee: number };
let banner = "";

const graphqlUrl = () => `http://127.0.0.1:${ports.gateway}/graphql`;

async function send(query: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(graphqlUrl(), {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

/**
 * Waits until no sync run is queued or running and the list of runs has not changed for `quietMs` (a run woken
 * by a webhook is queued a moment after the edit).
 */
async function waitForSyncIdle(quietMs: number, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  let since = Date.now();
  for (;;) {
    const { status, body } = await send("{ syncRuns(first: 20) { edges { node { id status } } } }");
    assert.equal(status, 200, JSON.stringify(body));
    const runs = body.data.syncRuns.edges.map((edge: any) => edge.node) as Array<{ id: string; status: string }>;
    const state = JSON.stringify(runs);
    if (state !== last) {
      last = state;
      since = Date.now();
    }
    const busy = runs.filter((r) => r.status === "QUEUED" || r.status === "RUNNING");
    if (busy.length === 0 && Date.now() - since >= quietMs) return;
    if (Date.now() > deadline) throw new Error(`sync runs still busy after ${timeoutMs / 1000} s: ${JSON.stringify(busy)}`);
    await delay(200);
  }
}

/** What src/main.ts does, with this test's ports, data directory and database. */
async function startLikeNpmStart(): Promise<void> {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "readme-examples-"));
  ports = { gateway: await freePort(), poweroffice: await freePort(), chargebee: await freePort() };
  if (usingServer) serverDb = await createTestDatabase({ migrate: false });
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: String(ports.gateway),
    POWEROFFICE_SANDBOX_PORT: String(ports.poweroffice),
    CHARGEBEE_SANDBOX_PORT: String(ports.chargebee),
    ...(serverDb ? { DATABASE_URL: serverDb.url! } : {}),
  });
  const log = mock.method(console, "log", (...parts: unknown[]) => void (banner += `${parts.join(" ")}\n`));
  try {
    app = await startApp(config, silentLogger);
  } finally {
    log.mock.restore();
  }
  await waitForSyncIdle(0);
}

before(startLikeNpmStart, { timeout: 180_000 });

after(async () => {
  await app?.stop();
  await serverDb?.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("the app started as npm start starts it: demo sandboxes, a first sync, the gateway in local development mode", async () => {
  assert.match(banner, /gateway is running/);
  assert.match(banner, new RegExp(`GraphQL endpoint +http://127\\.0\\.0\\.1:${ports.gateway}/graphql`));
  assert.match(banner, /PowerOffice Go sandbox/);
  assert.match(banner, /Chargebee sandbox/);
  const { body } = await send("{ syncRuns(first: 5) { edges { node { requestedBy status } } } }");
  assert.deepEqual(body.data.syncRuns.edges.at(-1).node, { requestedBy: "startup", status: "SUCCEEDED" });
});

const nodes = (connection: any): any[] => connection.edges.map((edge: any) => edge.node);

/** What README.md's prose says about the ids its examples use, checked on their answers so the words stay true. */
const README_CLAIMS: Array<{ example: RegExp; check(data: any): void }> = [
  {
    example: /conflicts\(status: OPEN\)/,
    check: (data) => {
      const conflicts = nodes(data.conflicts).map((c) => [c.id, c.field, c.customer?.name?.startsWith("Kari")]);
      assert.deepEqual(conflicts.sort(), [
        ["1", "firstName", true],
        ["2", "lastName", true],
      ]);
    },
  },
  {
    example: /^\{ quarantine \{/,
    check: (data) => {
      const entries = nodes(data.quarantine);
      assert.deepEqual(entries.map((e) => e.id).sort(), ["1", "2"]);
      assert.deepEqual(entries.map((e) => `${e.type} ${e.sourceId}`).sort(), ["ContactPerson 5000002", "Customer 3000004"]);
    },
  },
];

const checkedClaims = new Set<(typeof README_CLAIMS)[number]>();

/** The top-level fields of an answer that are null or an empty connection. */
function emptyFields(data: Record<string, unknown>): string[] {
  return Object.entries(data)
    .filter(([, value]) => value === null || (Array.isArray((value as any)?.edges) && (value as any).edges.length === 0))
    .map(([name]) => name);
}

async function runGraphql(step: GraphqlStep): Promise<void> {
  const query = print(step.document);
  const headers: Record<string, string> = step.operation === "mutation" ? { "x-api-key": LOCAL_INTEGRATOR_KEY } : {};
  const { status, body } = await send(query, headers);
  const answer = JSON.stringify(body).slice(0, 2_000);
  assert.ok(status >= 200 && status < 300, `${step.where}\nHTTP ${status}: ${answer}`);
  assert.ok(body.errors === undefined, `${step.where}\nerrors: ${answer}`);
  assert.ok(body.data, `${step.where}\nno data: ${answer}`);
  const empty = emptyFields(body.data);
  if (!/#.*\bempty\b/i.test(step.text)) assert.ok(empty.length === 0, `${step.where}\n${empty.join(", ")} null or empty in the demo: ${answer}`);
  if (step.where.startsWith("README.md:")) {
    for (const claim of README_CLAIMS.filter((c) => c.example.test(step.text))) {
      claim.check(body.data);
      checkedClaims.add(claim);
    }
  }
  if (Object.keys(body.data).some((field) => QUEUES_A_RUN.has(field))) await waitForSyncIdle(500);
}

async function runShell(step: ShellStep): Promise<void> {
  // The docs use npm start's default ports; this app listens on free ones.
  const script = step.script
    .replaceAll("127.0.0.1:4000", `127.0.0.1:${ports.gateway}`)
    .replaceAll("127.0.0.1:4101", `127.0.0.1:${ports.poweroffice}`)
    .replaceAll("127.0.0.1:4102", `127.0.0.1:${ports.chargebee}`);
  const elsewhere = [...script.matchAll(/https?:\/\/[^\s'"]+/g)]
    .map(([url]) => new URL(url))
    .filter((url) => url.hostname !== "127.0.0.1" || !Object.values(ports).includes(Number(url.port)));
  // Never edit a sandbox of another npm start on this machine.
  assert.deepEqual(elsewhere.map(String), [], `${step.where}: URLs outside this test's app`);
  try {
    await run("bash", ["-euo", "pipefail", "-c", script], { cwd: ROOT, timeout: 30_000 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    assert.fail(`${step.where}\n${(error as Error).message}\n${stdout ?? ""}\n${stderr ?? ""}`);
  }
  await waitForSyncIdle(QUIET_AFTER_SHELL_MS);
}

for (const file of DOCS) {
  test(`every example of ${file} runs as written, in order`, { timeout: 300_000 }, async (t) => {
    const steps = docSteps(file);
    assert.ok(
      steps.some((step) => step.kind === "graphql"),
      `${file} has GraphQL examples`,
    );
    for (const step of steps) {
      await t.test(step.where, () => (step.kind === "graphql" ? runGraphql(step) : runShell(step)));
    }
    if (file === "README.md") assert.equal(checkedClaims.size, README_CLAIMS.length, "every claim of README.md's prose found its example");
  });
}
