import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { getIntrospectionQuery } from "graphql";
import { loadConfig } from "../src/config/config.js";
import { pino } from "pino";
import { silentLogger, type Logger } from "../src/logging/logger.js";
import { LOCAL_INTEGRATOR_KEY } from "./auth.js";
import { startGateway, type RunningGateway } from "./index.js";
import { slowGate, startTinySubgraphs, type TinySubgraph } from "./test-support/tiny-subgraphs.js";

const SECRET = "test-subgraph-secret-0123456789abcdef";
const READER_KEY = "reader-key-0123456789abcdef";
const INTEGRATOR_KEY = "integrator-key-0123456789abcdef";

function configFor(env: Record<string, string>) {
  return loadConfig({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", ...env });
}

/** A logger whose lines (JSON) are pushed to `lines`. */
function recordingLogger(lines: string[]): Logger {
  return pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
}

async function post(gateway: RunningGateway, query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>) {
  const response = await fetch(gateway.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("gateway with API keys", () => {
  let subgraphs: TinySubgraph[];
  let gateway: RunningGateway;

  before(async () => {
    subgraphs = await startTinySubgraphs(SECRET);
    const config = configFor({
      API_KEYS: `analyst:reader:${READER_KEY},erp:integrator:${INTEGRATOR_KEY}`,
      GRAPHQL_MAX_DEPTH: "4",
      GRAPHQL_MAX_COST: "5000",
      GRAPHQL_MAX_ALIASES: "3",
      GRAPHQL_MAX_ROOT_FIELDS: "3",
    });
    gateway = await startGateway({
      config,
      subgraphs,
      logger: silentLogger,
      subgraphSecret: SECRET,
      extraRoutes: [
        { path: "/hello", method: "GET", handler: () => new Response("hello from a fetch route") },
        {
          path: "/webhooks/test",
          method: "POST",
          nodeHandler: async (req, res) => {
            let body = "";
            for await (const chunk of req) body += chunk;
            res.writeHead(202, { "content-type": "text/plain" });
            res.end(`received ${body}`);
          },
        },
      ],
    });
  });
  after(async () => {
    await gateway?.close();
    await Promise.all(subgraphs.map((s) => s.close()));
  });

  test("a query across both subgraphs comes back whole", async () => {
    const { status, body } = await post(gateway, "{ people { id name balance } }", { "x-api-key": READER_KEY });
    assert.equal(status, 200);
    assert.deepEqual(body, {
      data: {
        people: [
          { id: "p1", name: "Ada Lovelace", balance: 120 },
          { id: "p2", name: "Alan Turing", balance: 80 },
        ],
      },
    });
  });

  test("subgraphs receive the secret and the caller, never the client's key", async () => {
    for (const s of subgraphs) s.received.length = 0;
    await post(gateway, "{ people { id balance } }", { authorization: `Bearer ${READER_KEY}` });
    const all = subgraphs.flatMap((s) => s.received);
    assert.ok(all.length >= 2, "both subgraphs were called");
    for (const headers of all) {
      assert.deepEqual(headers, {
        "x-subgraph-secret": SECRET,
        "x-caller-name": "analyst",
        "x-caller-role": "reader",
        "x-api-key": undefined,
      });
    }
  });

  test("a caller cannot pose as someone else with x-caller-* headers", async () => {
    for (const s of subgraphs) s.received.length = 0;
    await post(gateway, "{ people { id } }", {
      "x-api-key": READER_KEY,
      "x-caller-name": "erp",
      "x-caller-role": "integrator",
    });
    assert.deepEqual(
      subgraphs[0]!.received.map((h) => [h["x-caller-name"], h["x-caller-role"]]),
      [["analyst", "reader"]],
    );
  });

  test("no key: 401 UNAUTHENTICATED, before the query is even parsed", async () => {
    const { status, body } = await post(gateway, "{ people { id } }");
    assert.equal(status, 401);
    assert.deepEqual(body, {
      errors: [
        {
          message: "This API needs an API key: send it as x-api-key or Authorization: Bearer <key>.",
          extensions: { code: "UNAUTHENTICATED" },
        },
      ],
    });
    const garbage = await post(gateway, "{ this is not graphql");
    assert.equal(garbage.status, 401);
  });

  test("a wrong key: 401 UNAUTHENTICATED", async () => {
    const { status, body } = await post(gateway, "{ people { id } }", { "x-api-key": `${READER_KEY}x` });
    assert.equal(status, 401);
    assert.deepEqual(body, {
      errors: [{ message: "The API key is not valid.", extensions: { code: "UNAUTHENTICATED" } }],
    });
  });

  test("a mutation with a reader key: 403 FORBIDDEN, and nothing reaches the subgraph", async () => {
    for (const s of subgraphs) s.received.length = 0;
    const { status, body } = await post(gateway, 'mutation { charge(personId: "p1", amount: 5) { id balance } }', {
      "x-api-key": READER_KEY,
    });
    assert.equal(status, 403);
    assert.deepEqual(body, {
      errors: [
        {
          message: 'The API key "analyst" has the reader role; a mutation needs an integrator key.',
          extensions: { code: "FORBIDDEN" },
        },
      ],
    });
    assert.equal(subgraphs[1]!.received.length, 0);
  });

  test("a mutation with an integrator key runs, and the subgraph knows who asked", async () => {
    for (const s of subgraphs) s.received.length = 0;
    const { status, body } = await post(
      gateway,
      "mutation Charge($id: ID!) { charge(personId: $id, amount: 5) { id name balance } }",
      { "x-api-key": INTEGRATOR_KEY },
      { id: "p2" },
    );
    assert.equal(status, 200);
    assert.deepEqual(body, { data: { charge: { id: "p2", name: "Alan Turing", balance: 85 } } });
    assert.equal(subgraphs[1]!.received[0]!["x-caller-name"], "erp");
    assert.equal(subgraphs[1]!.received[0]!["x-caller-role"], "integrator");
  });

  test("the status of a refused query depends on the media type asked for, as GraphQL over HTTP says", async () => {
    const deep = JSON.stringify({ query: "query Deep { people(first: 1) { friends { friends { friends { name } } } } }" });
    const statusFor = async (accept: string | undefined) => {
      const response = await fetch(gateway.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": READER_KEY, ...(accept ? { accept } : {}) },
        body: deep,
      });
      const body = (await response.json()) as { errors?: Array<{ extensions: { code: string } }> };
      return { status: response.status, type: response.headers.get("content-type"), code: body.errors?.[0]?.extensions.code };
    };
    const graphqlResponse = await statusFor("application/graphql-response+json");
    assert.deepEqual([graphqlResponse.status, graphqlResponse.code], [400, "DEPTH_LIMIT_EXCEEDED"]);
    assert.match(graphqlResponse.type ?? "", /application\/graphql-response\+json/);
    const json = await statusFor("application/json");
    assert.deepEqual([json.status, json.code], [200, "DEPTH_LIMIT_EXCEEDED"], "application/json answers 200 with the error in the body");
    for (const accept of ["*/*", undefined]) {
      const answer = await statusFor(accept);
      assert.deepEqual([answer.status, answer.code], [200, "DEPTH_LIMIT_EXCEEDED"], `Accept ${accept ?? "(none)"}: as application/json`);
      assert.match(answer.type ?? "", /^application\/json/);
    }
  });

  test("a query deeper than GRAPHQL_MAX_DEPTH is refused with DEPTH_LIMIT_EXCEEDED", async () => {
    const ok = await post(gateway, "{ people(first: 1) { friends { friends { name } } } }", { "x-api-key": READER_KEY });
    assert.equal(ok.status, 200);
    const { status, body } = await post(gateway, "query Deep { people(first: 1) { friends { friends { friends { name } } } } }", {
      "x-api-key": READER_KEY,
    });
    assert.equal(status, 400);
    const errors = body.errors as Array<{ message: string; extensions: { code: string } }>;
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.extensions.code, "DEPTH_LIMIT_EXCEEDED");
    assert.equal(errors[0]!.message, 'Operation "Deep" is 5 levels deep; the limit is 4 (GRAPHQL_MAX_DEPTH). Split it into smaller queries.');
  });

  test("a query costlier than GRAPHQL_MAX_COST is refused with COST_LIMIT_EXCEEDED", async () => {
    const { status, body } = await post(gateway, "{ people(first: 10000) { id name } }", { "x-api-key": READER_KEY });
    assert.equal(status, 400);
    const errors = body.errors as Array<{ message: string; extensions: { code: string } }>;
    assert.equal(errors[0]!.extensions.code, "COST_LIMIT_EXCEEDED");
    assert.match(errors[0]!.message, /estimated cost of 10000; the limit is 5000/);
  });

  test("a query with more aliases than GRAPHQL_MAX_ALIASES is refused with ALIAS_LIMIT_EXCEEDED, fragments counted at each spread", async () => {
    const within = await post(gateway, '{ a: person(id: "p1") { name } b: person(id: "p2") { n: name } }', { "x-api-key": READER_KEY });
    assert.deepEqual(within, { status: 200, body: { data: { a: { name: "Ada Lovelace" }, b: { n: "Alan Turing" } } } });
    const query = 'query Aliased { a: person(id: "p1") { ...Names } b: person(id: "p2") { ...Names } } fragment Names on Person { n: name }';
    for (const s of subgraphs) s.received.length = 0;
    const { status, body } = await post(gateway, query, { "x-api-key": READER_KEY });
    assert.equal(subgraphs[0]!.received.length, 0, "refused before anything reaches a subgraph");
    assert.equal(status, 400);
    const errors = body.errors as Array<{ message: string; extensions: { code: string } }>;
    assert.deepEqual(
      errors.map((error) => error.extensions.code),
      ["ALIAS_LIMIT_EXCEEDED"],
    );
    assert.match(errors[0]!.message, /^Operation "Aliased" uses 4 aliases .*the limit is 3 \(GRAPHQL_MAX_ALIASES\)/);
  });

  test("a query with more top-level fields than GRAPHQL_MAX_ROOT_FIELDS is refused with ROOT_FIELD_LIMIT_EXCEEDED", async () => {
    const within = await post(gateway, '{ people(first: 1) { id } person(id: "p1") { id } __typename }', { "x-api-key": READER_KEY });
    assert.equal(within.status, 200);
    const { status, body } = await post(gateway, '{ people(first: 1) { id } person(id: "p1") { id } p2: person(id: "p2") { id } __typename }', {
      "x-api-key": READER_KEY,
    });
    assert.equal(status, 400);
    const errors = body.errors as Array<{ message: string; extensions: { code: string } }>;
    assert.deepEqual(
      errors.map((error) => error.extensions.code),
      ["ROOT_FIELD_LIMIT_EXCEEDED"],
    );
    assert.equal(
      errors[0]!.message,
      "The operation asks for 4 top-level fields; the limit is 3 (GRAPHQL_MAX_ROOT_FIELDS). Split it into smaller queries.",
    );
  });

  test("GraphiQL's introspection query passes every limit", async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    const { status, body } = await post(gateway, query, { "x-api-key": READER_KEY });
    assert.equal(status, 200);
    assert.equal(body.errors, undefined);
    assert.equal((body.data as { __schema: { queryType: { name: string } } }).__schema.queryType.name, "Query");
  });

  test("introspection is on by default", async () => {
    const { status, body } = await post(gateway, "{ __schema { queryType { name } } }", { "x-api-key": READER_KEY });
    assert.equal(status, 200);
    assert.deepEqual(body, { data: { __schema: { queryType: { name: "Query" } } } });
  });

  test("/healthz answers without a key", async () => {
    const response = await fetch(`${gateway.url}/healthz`);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { status: string }).status, "ok");
  });

  test("/readyz lists every subgraph as reachable", async () => {
    const response = await fetch(`${gateway.url}/readyz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      status: "ready",
      checks: [
        { name: "subgraph:accounts", ok: true },
        { name: "subgraph:billing", ok: true },
      ],
    });
  });

  test("/metrics counts requests, operations, refusals and subgraph calls in Prometheus format", async () => {
    await post(gateway, "{ people { id } }", { "x-api-key": READER_KEY });
    const response = await fetch(`${gateway.url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    assert.match(text, /^# TYPE gateway_http_requests_total counter$/m);
    assert.match(text, /^gateway_http_requests_total\{method="POST",route="\/graphql",status="200"\} \d+$/m);
    assert.match(text, /^gateway_http_requests_total\{method="POST",route="\/graphql",status="401"\} \d+$/m);
    assert.match(text, /^gateway_http_request_duration_seconds_bucket\{route="\/graphql",le="\+Inf"\} \d+$/m);
    assert.match(text, /^gateway_graphql_operations_total\{outcome="ok",type="query"\} \d+$/m);
    assert.match(text, /^gateway_graphql_errors_total\{code="UNAUTHENTICATED"\} \d+$/m);
    assert.match(text, /^gateway_graphql_errors_total\{code="DEPTH_LIMIT_EXCEEDED"\} \d+$/m);
    assert.match(text, /^gateway_subgraph_requests_total\{status="200",subgraph="accounts"\} \d+$/m);
    assert.match(text, /^gateway_subgraph_request_duration_seconds_count\{subgraph="billing"\} \d+$/m);
  });

  test("extra routes answer on the gateway's port without an API key (fetch-style and Node-style handlers)", async () => {
    const fetched = await fetch(`${gateway.url}/hello`);
    assert.equal(fetched.status, 200);
    assert.equal(await fetched.text(), "hello from a fetch route");
    const inProcess = await gateway.fetch("http://gateway/hello");
    assert.equal(await inProcess.text(), "hello from a fetch route");
    const webhook = await fetch(`${gateway.url}/webhooks/test`, { method: "POST", body: "event-1" });
    assert.equal(webhook.status, 202);
    assert.equal(await webhook.text(), "received event-1");
    const wrongMethod = await fetch(`${gateway.url}/webhooks/test`);
    assert.equal(wrongMethod.status, 404);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(metrics, /^gateway_http_requests_total\{method="POST",route="\/webhooks\/test",status="202"\} 1$/m);
  });

  test("the IDE is served to a browser only, and loads nothing from a CDN", async () => {
    const page = await fetch(gateway.graphqlUrl, { headers: { accept: "text/html" } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    const html = await page.text();
    assert.ok(html.includes("<title>PowerOffice Go ⇄ Chargebee · GraphQL</title>"), "the IDE has our title");
    assert.ok(!/<script[^>]+src=["']https?:/i.test(html), "no external script");
    assert.ok(!/<link[^>]+href=["']https?:/i.test(html), "no external stylesheet");
    assert.ok(!html.includes("unpkg.com") && !html.includes("cdn.jsdelivr"), "no CDN host");
    const api = await fetch(gateway.graphqlUrl, { headers: { accept: "application/json" } });
    assert.notEqual(api.headers.get("content-type")?.includes("text/html"), true);
  });
});

describe("gateway in local development mode (no API_KEYS, loopback)", () => {
  let subgraphs: TinySubgraph[];
  let gateway: RunningGateway;

  before(async () => {
    subgraphs = await startTinySubgraphs(SECRET);
    gateway = await startGateway({
      config: configFor({ GRAPHQL_INTROSPECTION: "false" }),
      subgraphs,
      logger: silentLogger,
      subgraphSecret: SECRET,
    });
  });
  after(async () => {
    await gateway?.close();
    await Promise.all(subgraphs.map((s) => s.close()));
  });

  test("queries need no key; the subgraphs see the local developer as a reader", async () => {
    for (const s of subgraphs) s.received.length = 0;
    const { status, body } = await post(gateway, '{ person(id: "p1") { name } }');
    assert.equal(status, 200);
    assert.deepEqual(body, { data: { person: { name: "Ada Lovelace" } } });
    assert.equal(subgraphs[0]!.received[0]!["x-caller-name"], "local-developer");
    assert.equal(subgraphs[0]!.received[0]!["x-caller-role"], "reader");
  });

  test("mutations still need an integrator key: 401", async () => {
    const { status, body } = await post(gateway, 'mutation { charge(personId: "p1", amount: 1) { id } }');
    assert.equal(status, 401);
    const errors = body.errors as Array<{ extensions: { code: string } }>;
    assert.equal(errors[0]!.extensions.code, "UNAUTHENTICATED");
  });

  test("the documented local key runs mutations in local development mode, as an integrator", async () => {
    for (const s of subgraphs) s.received.length = 0;
    const { status, body } = await post(gateway, 'mutation { charge(personId: "p1", amount: 1) { id } }', { "x-api-key": LOCAL_INTEGRATOR_KEY });
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.errors, undefined);
    const caller = subgraphs.flatMap((s) => s.received).find((headers) => headers["x-caller-role"]);
    assert.equal(caller?.["x-caller-role"], "integrator");
    assert.equal(caller?.["x-caller-name"], "local-integrator");
  });

  test("GRAPHQL_INTROSPECTION=false refuses introspection", async () => {
    const { body } = await post(gateway, "{ __schema { queryType { name } } }");
    assert.equal(body.data, undefined);
    const errors = body.errors as Array<{ message: string }>;
    assert.match(errors[0]!.message, /introspection has been disabled/i);
  });
});

describe("gateway start-up refusals", () => {
  test("no API_KEYS while listening beyond loopback: refuses to start, says what to set", async () => {
    await assert.rejects(
      startGateway({
        config: configFor({ HOST: "0.0.0.0" }),
        subgraphs: [{ name: "a", url: "http://127.0.0.1:1/graphql", sdl: "type Query { a: Int }" }],
        logger: silentLogger,
        subgraphSecret: SECRET,
      }),
      /API_KEYS is empty and the gateway would listen on 0\.0\.0\.0.*Set API_KEYS=/s,
    );
  });
});

describe("readiness when a subgraph is down", () => {
  test("/readyz answers 503 and names the subgraph that does not answer; /healthz stays 200", async () => {
    const subgraphs = await startTinySubgraphs(SECRET);
    const gateway = await startGateway({ config: configFor({}), subgraphs, logger: silentLogger, subgraphSecret: SECRET });
    try {
      await subgraphs[1]!.close();
      const response = await fetch(`${gateway.url}/readyz`);
      assert.equal(response.status, 503);
      const body = (await response.json()) as { status: string; checks: Array<{ name: string; ok: boolean; detail?: string }> };
      assert.equal(body.status, "not ready");
      assert.deepEqual(body.checks[0], { name: "subgraph:accounts", ok: true });
      assert.equal(body.checks[1]!.name, "subgraph:billing");
      assert.equal(body.checks[1]!.ok, false);
      assert.match(body.checks[1]!.detail!, new RegExp(`^${subgraphs[1]!.url.replace(/[.]/g, "\\.")}: `));
      assert.equal((await fetch(`${gateway.url}/healthz`)).status, 200);
    } finally {
      await gateway.close();
      await subgraphs[0]!.close();
    }
  });
});

describe("graceful close", () => {
  test("a request in flight when close() starts still gets its answer; new connections are refused", async () => {
    const subgraphs = await startTinySubgraphs(SECRET);
    const gateway = await startGateway({ config: configFor({}), subgraphs, logger: silentLogger, subgraphSecret: SECRET });
    try {
      const reached = slowGate.reached();
      const inFlight = post(gateway, "{ slow }");
      await reached;
      const closed = gateway.close();
      const refused = await fetch(`${gateway.url}/healthz`).then(
        () => "answered",
        () => "refused",
      );
      assert.equal(refused, "refused");
      slowGate.release();
      assert.deepEqual(await inFlight, { status: 200, body: { data: { slow: "finished" } } });
      await closed;
    } finally {
      await Promise.all(subgraphs.map((s) => s.close()));
    }
  });
});

describe("a subgraph that does not answer", () => {
  test("GATEWAY_SUBGRAPH_TIMEOUT_SECONDS: a hanging subgraph costs the client GATEWAY_TIMEOUT, not a request that never ends", async () => {
    const subgraphs = await startTinySubgraphs(SECRET);
    const logged: string[] = [];
    const gateway = await startGateway({
      config: configFor({ GATEWAY_SUBGRAPH_TIMEOUT_SECONDS: "1" }),
      subgraphs,
      logger: recordingLogger(logged),
      subgraphSecret: SECRET,
    });
    try {
      const reached = slowGate.reached();
      // The subgraph's resolver waits until release() in finally: only the gateway's timeout can answer this.
      const { status, body } = await post(gateway, "{ slow }");
      await reached;
      assert.equal(status, 200);
      const errors = body.errors as Array<{ message: string; extensions: Record<string, unknown> }>;
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.extensions.code, "GATEWAY_TIMEOUT");
      assert.equal(errors[0]!.extensions.serviceName, "accounts");
      assert.match(errors[0]!.message, /^The accounts subgraph did not answer within 1 s \(GATEWAY_SUBGRAPH_TIMEOUT_SECONDS\)/);
      assert.doesNotMatch(JSON.stringify(body), /127\.0\.0\.1/, "no subgraph address in the answer");
      assert.ok(
        logged.some((line) => line.includes("subgraph request timed out") && line.includes(subgraphs[0]!.url)),
        logged.join("\n"),
      );
    } finally {
      slowGate.release();
      await gateway.close({ drainMs: 100 });
      await Promise.all(subgraphs.map((s) => s.close()));
    }
  });

  test("a subgraph that is down: a clear SUBREQUEST_HTTP_ERROR naming it, the rest of the answer kept, the cause logged", async () => {
    const subgraphs = await startTinySubgraphs(SECRET);
    const logged: string[] = [];
    const gateway = await startGateway({ config: configFor({}), subgraphs, logger: recordingLogger(logged), subgraphSecret: SECRET });
    try {
      await subgraphs[1]!.close();
      const { status, body } = await post(gateway, "{ people { id name } balances: people { balance } }");
      assert.equal(status, 200);
      const data = body.data as { people: unknown; balances: unknown };
      assert.deepEqual(data.people, [
        { id: "p1", name: "Ada Lovelace" },
        { id: "p2", name: "Alan Turing" },
      ]);
      const errors = body.errors as Array<{ message: string; extensions: Record<string, unknown> }>;
      assert.ok(errors.length >= 1);
      assert.equal(errors[0]!.extensions.code, "SUBREQUEST_HTTP_ERROR");
      assert.equal(errors[0]!.extensions.serviceName, "billing");
      assert.match(errors[0]!.message, /^The billing subgraph could not be reached\. Try again/);
      assert.doesNotMatch(JSON.stringify(body), /127\.0\.0\.1|ECONNREFUSED/, "no address or errno in the answer");
      assert.ok(
        logged.some((line) => line.includes("subgraph request failed") && line.includes("ECONNREFUSED")),
        logged.join("\n"),
      );
    } finally {
      await gateway.close({ drainMs: 100 });
      await subgraphs[0]!.close();
    }
  });

  test("a subgraph that refuses the gateway's secret: the client is told it is a gateway misconfiguration, /readyz says what to set", async () => {
    const subgraphs = await startTinySubgraphs(SECRET);
    const logged: string[] = [];
    const gateway = await startGateway({
      config: configFor({}),
      subgraphs,
      logger: recordingLogger(logged),
      subgraphSecret: "another-secret-0123456789abcdef0123",
    });
    try {
      const { status, body } = await post(gateway, "{ people { id } }");
      assert.equal(status, 200);
      const errors = body.errors as Array<{ message: string; extensions: Record<string, unknown> }>;
      assert.equal(errors[0]!.extensions.code, "SUBREQUEST_HTTP_ERROR");
      assert.equal(errors[0]!.extensions.serviceName, "accounts");
      assert.match(errors[0]!.message, /^The accounts subgraph refused the gateway \(HTTP 403\): the gateway is misconfigured, not your request/);
      assert.ok(
        logged.some((line) => line.includes("must have the same SUBGRAPH_SECRET")),
        logged.join("\n"),
      );
      assert.ok(!logged.some((line) => line.includes("another-secret")), "the secret is never logged");
      const ready = await fetch(`${gateway.url}/readyz`);
      assert.equal(ready.status, 503);
      const readiness = (await ready.json()) as { checks: Array<{ name: string; ok: boolean; detail?: string }> };
      assert.match(readiness.checks[0]!.detail!, /refused the gateway's secret \(HTTP 403\): set the same SUBGRAPH_SECRET/);
    } finally {
      await gateway.close({ drainMs: 100 });
      await Promise.all(subgraphs.map((s) => s.close()));
    }
  });
});
