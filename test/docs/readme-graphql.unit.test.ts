import { test } from "node:test";
import assert from "node:assert/strict";
import { buildSchema, parse, print, specifiedRules, validate, type GraphQLSchema } from "graphql";
import { composeServices } from "@theguild/federation-composition";
import { buildSubgraphs } from "../../subgraphs/index.js";
import { queryLimitsOf, queryLimitsRule } from "../../gateway/limits.js";
import { loadConfig } from "../../src/config/config.js";
import { ideDefaultQuery } from "../../gateway/ide.js";
import { graphqlSteps } from "./support/doc-examples.js";

const DOCS = ["README.md", "subgraphs/README.md"];

/** The schema clients see through the gateway (the supergraph without its join directives). */
async function apiSdl(): Promise<string> {
  const subgraphs = await buildSubgraphs();
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: `http://${s.name}`, typeDefs: parse(s.sdl) })));
  assert.ok(!result.errors?.length, String(result.errors));
  return result.publicSdl!;
}

async function apiSchema(): Promise<GraphQLSchema> {
  return buildSchema(await apiSdl());
}

const defaultLimitRules = () => [...specifiedRules, queryLimitsRule(queryLimitsOf(loadConfig({}).gateway))];

test("the GraphQL examples of the READMEs are valid against the gateway's schema and within its default limits", async () => {
  const schema = await apiSchema();
  const rules = defaultLimitRules();
  const examples = DOCS.flatMap(graphqlSteps);
  assert.ok(examples.length >= 10, `expected the READMEs to show examples, found ${examples.length}`);
  const problems: string[] = [];
  for (const { where, document } of examples) {
    const errors = validate(schema, document, rules);
    for (const error of errors) problems.push(`${where}: ${error.message}`);
  }
  assert.deepEqual(problems, []);
});

test("the GraphQL examples of the READMEs run as written: no placeholder to fill in", () => {
  // readme-examples.integration.test.ts runs them against npm start's demo; a "…" is a value left for the reader to guess.
  const placeholders = DOCS.flatMap(graphqlSteps).filter((step) => print(step.document).includes("…"));
  assert.deepEqual(
    placeholders.map((step) => step.where),
    [],
  );
});

test("the IDE's first query is valid and within the default limits", async () => {
  const sdl = await apiSdl();
  const query = ideDefaultQuery(sdl, true);
  assert.match(query, /customers\(first: 10\)/);
  const errors = validate(buildSchema(sdl), parse(query), defaultLimitRules());
  assert.deepEqual(
    errors.map((error) => error.message),
    [],
  );
});
