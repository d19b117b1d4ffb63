/** `npm run subgraph:<name>`: a subgraph in a process of its own, started and stopped as production does. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { once } from "node:events";
import { freePort } from "../test/helpers/free-port.js";
import { createInterface } from "node:readline";
import { createTestDatabase, usingServer } from "../test/helpers/database.js";

test(
  "npm run subgraph:poweroffice serves; on SIGTERM it answers the request in flight, then exits 0",
  { skip: usingServer ? false : "needs a PostgreSQL server (DATABASE_URL): the embedded database belongs to one process", timeout: 60_000 },
  async () => {
    const db = await createTestDatabase();
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", "subgraphs/poweroffice/main.ts"], {
      env: {
        ...process.env,
        DATABASE_URL: db.url!,
        POWEROFFICE_SUBGRAPH_PORT: String(port),
        SUBGRAPH_SECRET: "",
        LOG_FORMAT: "json",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      const messages: string[] = [];
      const ready = new Promise<void>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on("line", (line) => {
          const msg = (JSON.parse(line) as { msg: string }).msg;
          messages.push(msg);
          if (msg.startsWith("subgraph poweroffice ready at")) resolve();
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code} before it was ready: ${messages.join(" | ")}`)));
      });
      await ready;
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ powerofficeCustomers(first: 1) { totalCount } }" }),
      });
      assert.deepEqual(await response.json(), { data: { powerofficeCustomers: { totalCount: 0 } } });

      // A request in flight when SIGTERM arrives: its body is still coming; the rest is sent once the process says it
      // is stopping.
      const stopping = new Promise<void>((resolve, reject) => {
        child.stdout!.on("data", () => messages.includes("stopping") && resolve());
        child.once("exit", () => reject(new Error(`exited before the request in flight was answered: ${messages.join(" | ")}`)));
      });
      const body = JSON.stringify({ query: "{ powerofficeContactPersons(first: 1) { totalCount } }" });
      const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const request = httpRequest(
          {
            host: "127.0.0.1",
            port,
            path: "/graphql",
            method: "POST",
            headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
          },
          (response) => {
            let text = "";
            response.on("data", (chunk: Buffer) => (text += chunk));
            response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
          },
        );
        request.on("error", reject);
        request.write(body.slice(0, 10));
        stopping.then(() => request.end(body.slice(10)), reject);
        request.flushHeaders();
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      child.kill("SIGTERM");
      const finished = await answer;
      assert.deepEqual(finished, { status: 200, text: JSON.stringify({ data: { powerofficeContactPersons: { totalCount: 0 } } }) + "\n" });
      const [code, signal] = await exited;
      assert.deepEqual({ code, signal }, { code: 0, signal: null }, messages.join(" | "));
      assert.ok(messages.includes("stopping"), messages.join(" | "));
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await db.dispose();
    }
  },
);
