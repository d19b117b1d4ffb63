import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { loadConfig } from "../src/config/config.js";
import { silentLogger } from "../src/logging/logger.js";
import { startGateway, type RunningGateway } from "./index.js";
import { startTinySubgraphs, type TinySubgraph } from "./test-support/tiny-subgraphs.js";

const SECRET = "test-subgraph-secret-0123456789abcdef";
const READER_KEY = "reader-key-0123456789abcdef";
const LIMIT = 4096;

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: { errors?: Array<{ message: string; extensions: Record<string, unknown> }>; data?: unknown };
}

function parseAnswer(status: number, headers: http.IncomingHttpHeaders, text: string): RawAnswer {
  return { status, headers, body: JSON.parse(text) as RawAnswer["body"] };
}

/**
 * Sends only the request head of a POST declaring `contentLength` bytes, and no body: an answer can only come from a
 * server that decided without reading the body.
 */
function postHeadOnly(url: URL, contentLength: number, headers: Record<string, string>): Promise<{ raw: string; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => {
      const head = Object.entries({ host: url.host, "content-type": "application/json", "content-length": String(contentLength), ...headers })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join("");
      socket.write(`POST ${url.pathname} HTTP/1.1\r\n${head}\r\n`);
    });
    let raw = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ raw, closedByServer: false });
    }, 5_000);
    socket.on("data", (chunk) => (raw += chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      clearTimeout(timer);
      resolve({ raw, closedByServer: true });
    });
  });
}

function answerOf(raw: string): RawAnswer {
  const [head, ...rest] = raw.split("\r\n\r\n");
  const [statusLine, ...headerLines] = head!.split("\r\n");
  const headers: http.IncomingHttpHeaders = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return parseAnswer(Number(statusLine!.split(" ")[1]), headers, rest.join("\r\n\r\n"));
}

/**
 * POSTs a chunked body (no Content-Length) of up to `totalBytes`, written as fast as the connection takes it, and
 * stops writing once the answer arrives. Resolves with the answer and how many bytes had been written by then.
 */
function postChunked(url: URL, totalBytes: number, headers: Record<string, string>): Promise<{ answer: RawAnswer; writtenBytes: number }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", headers: { "content-type": "application/json", ...headers } });
    const chunk = "a".repeat(16 * 1024);
    let written = 0;
    let answered = false;
    const pump = () => {
      while (!answered && written < totalBytes) {
        written += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", pump);
      }
      if (!answered) request.end('"}}');
    };
    request.on("response", (response) => {
      answered = true;
      const writtenBytes = written;
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (part: string) => (text += part));
      response.on("end", () => resolve({ answer: parseAnswer(response.statusCode!, response.headers, text), writtenBytes }));
    });
    // Writing on after the server answered and closed can fail with EPIPE/ECONNRESET; the answer is what counts.
    request.on("error", (error) => (answered ? undefined : reject(error)));
    request.write('{"query":"{ people { id } }","variables":{"padding":"');
    pump();
  });
}

describe("request size limits (GRAPHQL_MAX_BODY_BYTES)", () => {
  let subgraphs: TinySubgraph[];
  let gateway: RunningGateway;
  let graphqlUrl: URL;

  before(async () => {
    subgraphs = await startTinySubgraphs(SECRET);
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      API_KEYS: `analyst:reader:${READER_KEY}`,
      GRAPHQL_MAX_BODY_BYTES: String(LIMIT),
    });
    gateway = await startGateway({ config, subgraphs, logger: silentLogger, subgraphSecret: SECRET });
    graphqlUrl = new URL(gateway.graphqlUrl);
  });
  after(async () => {
    await gateway?.close();
    await Promise.all(subgraphs.map((s) => s.close()));
  });

  test("a body within the limit is answered", async () => {
    const body = JSON.stringify({ query: "{ people { id } }", variables: { padding: "a".repeat(LIMIT - 100) } });
    const response = await fetch(graphqlUrl, { method: "POST", headers: { "content-type": "application/json", "x-api-key": READER_KEY }, body });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { data: { people: [{ id: "p1" }, { id: "p2" }] } });
  });

  test("a Content-Length over the limit: 413 before a byte of the body is sent, and the connection is closed", async () => {
    const { raw, closedByServer } = await postHeadOnly(graphqlUrl, 10 * 1024 * 1024, { "x-api-key": READER_KEY });
    const answer = answerOf(raw);
    assert.equal(answer.status, 413);
    assert.equal(answer.headers.connection, "close");
    assert.ok(closedByServer, "the server closed the connection instead of waiting for the body");
    assert.deepEqual(answer.body, {
      errors: [
        {
          message:
            "The request body is 10485760 bytes, more than the 4096 bytes (4 KiB) this gateway accepts (GRAPHQL_MAX_BODY_BYTES). " +
            "Send a smaller query, or fewer or smaller variables.",
          extensions: { code: "PAYLOAD_TOO_LARGE", limitBytes: 4096 },
        },
      ],
    });
  });

  test("a chunked body over the limit: 413 while the client is still sending", async () => {
    const total = 64 * 1024 * 1024;
    const { answer, writtenBytes } = await postChunked(graphqlUrl, total, { "x-api-key": READER_KEY });
    assert.equal(answer.status, 413);
    assert.equal(answer.body.errors?.[0]?.extensions.code, "PAYLOAD_TOO_LARGE");
    assert.match(answer.body.errors![0]!.message, /^The request body is larger than the 4096 bytes \(4 KiB\) this gateway accepts \(GRAPHQL_MAX_BODY_BYTES\)/);
    assert.ok(writtenBytes < total, `answered after ${writtenBytes} of ${total} bytes were written`);
  });

  test("the limit holds for requests run in-process too (gateway.fetch), with or without a Content-Length", async () => {
    const padding = "a".repeat(LIMIT);
    const declared = await gateway.fetch("http://gateway/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": READER_KEY },
      body: JSON.stringify({ query: "{ people { id } }", variables: { padding } }),
    });
    assert.equal(declared.status, 413);
    const encoder = new TextEncoder();
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`{"query":"{ people { id } }","variables":{"padding":"${padding}`));
        controller.enqueue(encoder.encode('"}}'));
        controller.close();
      },
    });
    const chunked = await gateway.fetch("http://gateway/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": READER_KEY },
      body: streamed,
      duplex: "half",
    } as RequestInit);
    assert.equal(chunked.status, 413);
    assert.equal(((await chunked.json()) as RawAnswer["body"]).errors?.[0]?.extensions.code, "PAYLOAD_TOO_LARGE");
  });

  test("a GET whose query string is over the limit: 414 URI_TOO_LONG (what is too long is the URI)", async () => {
    const query = `{ people { id } }${" ".repeat(LIMIT)}`;
    const response = await gateway.fetch(`http://gateway/graphql?query=${encodeURIComponent(query)}`, { headers: { "x-api-key": READER_KEY } });
    assert.equal(response.status, 414);
    const body = (await response.json()) as RawAnswer["body"];
    assert.equal(body.errors?.[0]?.extensions.code, "URI_TOO_LONG");
    assert.match(body.errors![0]!.message, /\(GRAPHQL_MAX_BODY_BYTES\)\. Send the query in a POST body instead\.$/);
    const within = await fetch(`${graphqlUrl}?query=${encodeURIComponent("{ people { id } }")}`, { headers: { "x-api-key": READER_KEY } });
    assert.equal(within.status, 200);
  });

  test("a caller without a key gets 401 before the size is even looked at, and its body is not read either", async () => {
    const { raw, closedByServer } = await postHeadOnly(graphqlUrl, 10 * 1024 * 1024, {});
    assert.match(raw, /^HTTP\/1\.1 401 /);
    assert.match(raw, /\r\nconnection: close\r\n/i);
    assert.ok(closedByServer, "the server closed the connection instead of reading the body");
  });

  test("refusals are counted in /metrics by status and code", async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(text, /^gateway_http_requests_total\{method="POST",route="\/graphql",status="413"\} \d+$/m);
    assert.match(text, /^gateway_graphql_errors_total\{code="PAYLOAD_TOO_LARGE"\} \d+$/m);
  });
});
