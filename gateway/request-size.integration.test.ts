import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../src/config/config.js";
import { silentLogger } from "../src/logging/logger.js";
import { startGateway, type RunningGateway } from "./index.js";
import { startTinySubgraphs, type TinySubgraph } from "./test-support/tiny-subgraphs.js";
import { postChunked, postHeadOnly } from "../test/helpers/oversized-requests.js";

const SECRET = "test-subgraph-secret-0123456789abcdef";
const READER_KEY = "reader-key-0123456789abcdef";
const LIMIT = 4096;

interface GraphQLBody {
  errors?: Array<{ message: string; extensions: Record<string, unknown> }>;
  data?: unknown;
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
    const answer = await postHeadOnly(graphqlUrl, 10 * 1024 * 1024, { "x-api-key": READER_KEY });
    assert.equal(answer.status, 413);
    assert.equal(answer.headers.connection, "close");
    assert.ok(answer.closedByServer, "the server closed the connection instead of waiting for the body");
    assert.deepEqual(JSON.parse(answer.text), {
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
    const answer = await postChunked(graphqlUrl, {
      prefix: '{"query":"{ people { id } }","variables":{"padding":"',
      totalBytes: total,
      headers: { "x-api-key": READER_KEY },
    });
    assert.equal(answer.status, 413);
    const body = JSON.parse(answer.text) as GraphQLBody;
    assert.equal(body.errors?.[0]?.extensions.code, "PAYLOAD_TOO_LARGE");
    assert.match(
      body.errors![0]!.message,
      /^The request body is larger than the 4096 bytes \(4 KiB\) this gateway accepts \(GRAPHQL_MAX_BODY_BYTES\)/,
    );
    assert.ok(answer.writtenBytes < total, `answered after ${answer.writtenBytes} of ${total} bytes were written`);
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
    assert.equal(((await chunked.json()) as GraphQLBody).errors?.[0]?.extensions.code, "PAYLOAD_TOO_LARGE");
  });

  test("a GET whose query string is over the limit: 414 URI_TOO_LONG (what is too long is the URI)", async () => {
    const query = `{ people { id } }${" ".repeat(LIMIT)}`;
    const response = await gateway.fetch(`http://gateway/graphql?query=${encodeURIComponent(query)}`, { headers: { "x-api-key": READER_KEY } });
    assert.equal(response.status, 414);
    const body = (await response.json()) as GraphQLBody;
    assert.equal(body.errors?.[0]?.extensions.code, "URI_TOO_LONG");
    assert.match(body.errors![0]!.message, /\(GRAPHQL_MAX_BODY_BYTES\)\. Send the query in a POST body instead\.$/);
    const within = await fetch(`${graphqlUrl}?query=${encodeURIComponent("{ people { id } }")}`, { headers: { "x-api-key": READER_KEY } });
    assert.equal(within.status, 200);
  });

  test("a caller without a key gets 401 before the size is even looked at, and its body is not read either", async () => {
    const answer = await postHeadOnly(graphqlUrl, 10 * 1024 * 1024);
    assert.equal(answer.status, 401);
    assert.equal(answer.headers.connection, "close");
    assert.ok(answer.closedByServer, "the server closed the connection instead of reading the body");
  });

  test("refusals are counted in /metrics by status and code", async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(text, /^gateway_http_requests_total\{method="POST",route="\/graphql",status="413"\} \d+$/m);
    assert.match(text, /^gateway_graphql_errors_total\{code="PAYLOAD_TOO_LARGE"\} \d+$/m);
  });
});
