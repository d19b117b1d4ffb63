import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { RequestTimeoutError, headerValue, keepAliveAgents, sendRequest } from "./send-request.js";

describe("the HTTP seam", () => {
  let server: http.Server;
  let base: URL;
  const agents = keepAliveAgents({ maxSockets: 4, idleTimeoutMs: 1000 });

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === "/slow") return; // never answers
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const echo = JSON.stringify({ method: req.method, length: req.headers["content-length"], body: Buffer.concat(chunks).toString("utf8") });
        if (req.url === "/gzip") {
          res.writeHead(200, { "content-encoding": "gzip", "x-multi": ["a", "b"] });
          res.end(gzipSync(echo));
          return;
        }
        res.writeHead(201, { "content-type": "application/json" });
        res.end(echo);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  after(async () => {
    agents["http:"].destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test("sends the body with its length, reads the answer whole, decompresses it, and joins repeated headers", async () => {
    const plain = await sendRequest(new URL("/echo", base), { method: "POST", headers: {}, body: "bodø", agents });
    assert.equal(plain.status, 201);
    assert.deepEqual(JSON.parse(plain.body.toString("utf8")), { method: "POST", length: "5", body: "bodø" });
    const zipped = await sendRequest(new URL("/gzip", base), { method: "GET", headers: {}, agents });
    assert.equal(JSON.parse(zipped.body.toString("utf8")).method, "GET");
    assert.equal(headerValue(zipped.headers, "X-Multi"), "a, b");
    assert.equal(headerValue(zipped.headers, "x-none"), null);
  });

  test("a timeout rejects with RequestTimeoutError; an aborted signal rejects with its reason; other protocols are refused", async () => {
    await assert.rejects(sendRequest(new URL("/slow", base), { method: "GET", headers: {}, timeoutMs: 100, agents }), RequestTimeoutError);
    const controller = new AbortController();
    const pending = sendRequest(new URL("/slow", base), { method: "GET", headers: {}, signal: controller.signal, agents });
    const reason = new Error("stopped by the caller");
    controller.abort(reason);
    await assert.rejects(pending, (error) => error === reason);
    await assert.rejects(sendRequest(new URL("ftp://example.test/"), { method: "GET", headers: {}, agents }), /Unsupported protocol ftp:/);
  });
});
