/**
 * Rebuilds openapi.excerpt.json from the vendor spec: only the paths the client uses, the component schemas they
 * reach, and the token endpoint from the separate auth spec. Run when the vendor spec is replaced:
 *   npx tsx src/connectors/poweroffice/spec/extract-excerpt.ts [/path/to/openapi.yaml] [/path/to/auth-endpoint.json]
 * then regenerate the types:
 *   npx openapi-typescript src/connectors/poweroffice/spec/openapi.excerpt.json -o src/connectors/poweroffice/spec/openapi-types.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const USED_PATHS = [
  "/ContactPersons",
  "/ContactPersons/{contactId}",
  "/ContactPersons/{contactId}/{id}",
  "/Customers",
  "/Customers/{id}",
  "/Employees",
  "/Employees/{employeeId}",
  "/Departments",
  "/Departments/{id}",
  "/Products",
  "/Products/{id}",
  "/SalesOrders",
  "/SalesOrders/{id}",
  "/SalesOrders/Complete",
  "/SalesOrders/{id}/Complete",
  "/SalesOrders/{id}/Lines",
  "/SalesOrders/{id}/Lines/{lineId}",
];

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function collectRefs(node: Json, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, into);
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") into.add(value.replace("#/components/schemas/", ""));
      else collectRefs(value, into);
    }
  }
}

function main(): void {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const specPath = process.argv[2] ?? "/work/shared/specs/poweroffice/openapi.yaml";
  const authPath = process.argv[3] ?? "/work/shared/specs/poweroffice/auth-endpoint.json";
  const spec = YAML.parse(readFileSync(specPath, "utf8")) as JsonObject;
  const auth = JSON.parse(readFileSync(authPath, "utf8")) as JsonObject;
  const specPaths = spec.paths as JsonObject;
  const specSchemas = (spec.components as JsonObject).schemas as JsonObject;
  const authSchemas = (auth.components as JsonObject).schemas as JsonObject;

  const paths: JsonObject = {};
  for (const p of USED_PATHS) {
    const item = specPaths[p];
    if (!isObject(item)) throw new Error(`The vendor spec has no path ${p}`);
    paths[p] = item;
  }
  const authToken = (auth.paths as JsonObject)["/Token"];
  if (!isObject(authToken)) throw new Error("The auth spec has no /Token path");
  paths["/OAuth/Token"] = authToken;

  const wanted = new Set<string>();
  collectRefs(paths, wanted);
  const schemas: JsonObject = {};
  const queue = [...wanted];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (name in schemas) continue;
    const schema = specSchemas[name] ?? authSchemas[name];
    if (schema === undefined) throw new Error(`Schema ${name} is referenced but not defined`);
    schemas[name] = schema;
    const more = new Set<string>();
    collectRefs(schema, more);
    for (const m of more) if (!(m in schemas)) queue.push(m);
  }
  const sortedSchemas: JsonObject = {};
  for (const name of Object.keys(schemas).sort()) sortedSchemas[name] = schemas[name]!;

  const excerpt: JsonObject = {
    openapi: spec.openapi as string,
    info: {
      title: "PowerOffice Go API v2 (excerpt used by this project)",
      version: String((spec.info as JsonObject).version ?? "v2"),
      description:
        "Verbatim subset of the merged vendor spec (stianwe/PowerOfficeGoV2 api/openapi.yaml, March 2025) and of the " +
        "token endpoint spec (pacely-ai/poweroffice-node scripts/auth-endpoint.json). See SOURCE.md.",
    },
    servers: [{ url: "https://goapi.poweroffice.net/v2" }],
    paths,
    components: { schemas: sortedSchemas },
  };
  const out = path.join(here, "openapi.excerpt.json");
  writeFileSync(out, JSON.stringify(excerpt, null, 1) + "\n");
  console.log(`Wrote ${out}: ${Object.keys(paths).length} paths, ${Object.keys(sortedSchemas).length} schemas`);
}

main();
