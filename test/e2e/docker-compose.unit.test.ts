/** docker-compose.yml runs the product's own entry points, wired to each other; checked without a Docker engine. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
}

const compose = parse(readFileSync("docker-compose.yml", "utf8"), { merge: true }) as { services: Record<string, Service> };
const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;

test("PostgreSQL, migrate, worker, the three subgraphs and the gateway are separate services", () => {
  assert.deepEqual(Object.keys(compose.services).sort(), [
    "gateway",
    "migrate",
    "postgres",
    "subgraph-chargebee",
    "subgraph-link",
    "subgraph-poweroffice",
    "worker",
  ]);
});

test("every service runs an npm script that exists", () => {
  for (const [name, service] of Object.entries(compose.services)) {
    if (name === "postgres") continue;
    const command = service.command ?? [];
    assert.deepEqual(command.slice(0, 3), ["npm", "run", "--silent"], `${name} runs an npm script`);
    assert.ok(scripts[command[3]!], `${name}: package.json has the script "${command[3]}"`);
  }
});

test("the gateway finds each subgraph service on the port that subgraph listens on", () => {
  const env = compose.services.gateway!.environment!;
  for (const name of ["poweroffice", "chargebee", "link"]) {
    const service = compose.services[`subgraph-${name}`]!;
    const port = service.environment![`${name.toUpperCase()}_SUBGRAPH_PORT`];
    assert.equal(env[`${name.toUpperCase()}_SUBGRAPH_URL`], `http://subgraph-${name}:${port}/graphql`);
    assert.deepEqual(service.expose, [port]);
    assert.equal(service.ports, undefined, `subgraph-${name} is not published`);
  }
});

test("only the gateway is published, on loopback, and it requires API keys and a subgraph secret", () => {
  assert.deepEqual(compose.services.gateway!.ports, ["127.0.0.1:${GATEWAY_PUBLISH_PORT:-4000}:4000"]);
  assert.match(compose.services.gateway!.environment!.API_KEYS!, /^\$\{API_KEYS:\?/);
  assert.match(compose.services.gateway!.environment!.SUBGRAPH_SECRET!, /^\$\{SUBGRAPH_SECRET:\?/);
});
