/** docker-compose.yml runs the product's own entry points (compiled), wired to each other; checked without a Docker engine. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
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

/** The npm script a service's command stands for (docker-compose.yml runs node directly; see its header). */
const SCRIPT_OF_SERVICE: Record<string, string> = {
  migrate: "migrate:dist",
  worker: "worker:dist",
  "subgraph-poweroffice": "subgraph:poweroffice:dist",
  "subgraph-chargebee": "subgraph:chargebee:dist",
  "subgraph-link": "subgraph:link:dist",
  gateway: "gateway:dist",
};

test("every service runs the compiled build with node: its :dist npm script, word for word", () => {
  for (const [name, service] of Object.entries(compose.services)) {
    if (name === "postgres") continue;
    const script = SCRIPT_OF_SERVICE[name];
    assert.ok(script, `${name}: which npm script does it run?`);
    assert.ok(scripts[script], `package.json has the script "${script}"`);
    assert.deepEqual(service.command, scripts[script].split(" "), `${name} runs what npm run ${script} runs`);
    const [program, ...args] = service.command!;
    assert.equal(program, "node", `${name} runs node itself, not npm or tsx`);
    const module = args.at(-1)!;
    assert.match(module, /^dist\/.+\.js$/, `${name} runs a module of the build`);
    // dist/ is built in the image: here, check the module it runs is compiled from a source file that exists.
    const source = module.replace(/^dist\//, "").replace(/\.js$/, ".ts");
    assert.ok(existsSync(source), `${name}: ${module} is compiled from ${source}, which does not exist`);
  }
});

test("the :dist scripts pass node the same flags as the development scripts", () => {
  const development: Record<string, string> = {
    "migrate:dist": "migrate",
    "worker:dist": "worker",
    "subgraph:poweroffice:dist": "subgraph:poweroffice",
    "subgraph:chargebee:dist": "subgraph:chargebee",
    "subgraph:link:dist": "subgraph:link",
    "gateway:dist": "gateway",
    "start:dist": "start",
    "sync:dist": "sync",
  };
  const flags = (command: string) => command.split(" ").filter((word) => /^--max-[a-z-]+=/.test(word));
  for (const [dist, dev] of Object.entries(development)) {
    assert.ok(scripts[dist] && scripts[dev], `package.json has ${dist} and ${dev}`);
    assert.deepEqual(flags(scripts[dist]), flags(scripts[dev]), `${dist} and ${dev} give node the same flags`);
    assert.equal(
      scripts[dist].split(" ").at(-1),
      `dist/${scripts[dev].split(" ").at(-1)!.replace(/\.ts$/, ".js")}`,
      `${dist} runs ${dev}'s module, compiled`,
    );
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
