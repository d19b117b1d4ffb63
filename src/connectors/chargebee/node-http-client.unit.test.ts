import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { toChargebeeApiError } from "./errors.js";
import { nodeHttpClient } from "./node-http-client.js";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: number;
}

describe("Chargebee node:http transport", () => {
  const seen: Seen[] = [];
  const sockets = new Map<object, number>();
  let server: http.Server;
  let origin: string;

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size);
        seen.push({
          method: req.method!,
          url: req.url!,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
          socket: sockets.get(req.socket)!,
        });
        if (req.url === "/hang") return; // never answers
        const body = JSON.stringify({ customer: { id: "c1", first_name: "Åse" } });
        if (req.url === "/gzip") {
          res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(gzipSync(body));
        } else if (req.url === "/missing") {
          res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ api_error_code: "resource_not_found", message: "gone" }));
        } else {
          res.writeHead(200, { "content-type": "application/json", "retry-after": "3" }).end(body);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test("sends the SDK's method, headers and form body, and answers status, headers and JSON", async () => {
    const request = new Request(`${origin}/api/v2/customers`, {
      method: "POST",
      body: "id=c1&first_name=%C3%85se",
      headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "chargebee-idempotency-key": "k1" },
    });
    const response = await nodeHttpClient.makeApiRequest(request, 5_000);
    assert.equal(response.status, 200);
    assert.equal(Object.fromEntries(response.headers.entries())["retry-after"], "3");
    assert.deepEqual(await response.json(), { customer: { id: "c1", first_name: "Åse" } });
    const sent = seen.at(-1)!;
    assert.equal(sent.method, "POST");
    assert.equal(sent.body, "id=c1&first_name=%C3%85se");
    assert.equal(sent.headers["content-length"], String(Buffer.byteLength(sent.body)));
    assert.equal(sent.headers["chargebee-idempotency-key"], "k1");
  });

  test("a compressed answer is decoded, and requests reuse one kept-alive connection", async () => {
    const first = await nodeHttpClient.makeApiRequest(new Request(`${origin}/gzip`), 5_000);
    assert.deepEqual(await first.json(), { customer: { id: "c1", first_name: "Åse" } });
    assert.match(String(seen.at(-1)!.headers["accept-encoding"]), /gzip/);
    await nodeHttpClient.makeApiRequest(new Request(`${origin}/plain`), 5_000);
    assert.equal(seen.at(-1)!.socket, seen.at(-2)!.socket, "the second request went over the first one's connection");
  });

  test("an error status is an answer (the SDK turns it into its error), not a rejection", async () => {
    const response = await nodeHttpClient.makeApiRequest(new Request(`${origin}/missing`), 5_000);
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { api_error_code: "resource_not_found", message: "gone" });
  });

  test("a timeout and a refused connection reject as the SDK's fetch transport does, so they map to the same typed errors", async () => {
    const timedOut = await nodeHttpClient.makeApiRequest(new Request(`${origin}/hang`), 100).catch((error: unknown) => error);
    const timeout = toChargebeeApiError(timedOut, "customer.retrieve");
    assert.deepEqual([timeout.httpStatus, timeout.apiErrorCode, timeout.retryable], [0, "timeout", true]);

    const refused = await nodeHttpClient.makeApiRequest(new Request("http://127.0.0.1:1/api/v2/customers"), 5_000).catch((error: unknown) => error);
    const network = toChargebeeApiError(refused, "customer.list");
    assert.deepEqual([network.httpStatus, network.apiErrorCode, network.retryable], [0, "network_error", true]);
    assert.match(network.message, /ECONNREFUSED/);
  });
});
