import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { EventEmitter, once } from "node:events";
import { createInterface } from "node:readline";
import { startGreetingSubgraph, startTinySubgraphs, type TinySubgraph } from "./test-support/tiny-subgraphs.js";

const SECRET = "main-test-secret-0123456789abcdef";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

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
  child = spawn(process.execPath, ["--import", "tsx", "gateway/main.ts"], {
    env: {
      ...process.env,
      LOG_FORMAT: "json",
      LOG_LEVEL: "info",
      HOST: "127.0.0.1",
      PORT: "0",
      API_KEYS: "",
      DATABASE_URL: "",
      SUBGRAPH_SECRET: SECRET,
      POWEROFFICE_SUBGRAPH_URL: subgraphs[0]!.url,
      CHARGEBEE_SUBGRAPH_URL: subgraphs[1]!.url,
      LINK_SUBGRAPH_URL: `http://127.0.0.1:${latePort}/graphql`,
    },
    stdio: ["ignore", "pipe", "pipe"],
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
  const process2 = spawn(process.execPath, ["--import", "tsx", "gateway/main.ts"], {
    env: { ...process.env, SUBGRAPH_SECRET: "", LOG_FORMAT: "json", PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  process2.stderr!.on("data", (chunk) => (stderr += chunk));
  const [code] = await once(process2, "exit");
  assert.equal(code, 1);
  assert.match(stderr, /gateway could not start: SUBGRAPH_SECRET is not set\..*openssl rand -hex 32/s);
});
