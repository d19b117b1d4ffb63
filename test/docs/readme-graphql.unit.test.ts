import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { buildSchema, Kind, parse, print, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import { composeServices } from "@theguild/federation-composition";
import { buildSubgraphs } from "../../subgraphs/index.js";
import { queryLimitsOf, queryLimitsRule } from "../../gateway/limits.js";
import { loadConfig } from "../../src/config/config.js";
import { ideDefaultQuery } from "../../gateway/ide.js";

const root = path.resolve(import.meta.dirname, "../..");

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

/** Every operation of every graphql code block of a markdown file, each as a document of its own. */
function graphqlExamples(file: string): Array<{ where: string; document: DocumentNode }> {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  const examples: Array<{ where: string; document: DocumentNode }> = [];
  for (const block of text.matchAll(/```graphql\n([\s\S]*?)```/g)) {
    const document = parse(block[1]!.replace(/"…"/g, '"1"'));
    const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      const where = `${file}: ${print(definition).replace(/\s+/g, " ").slice(0, 70)}`;
      examples.push({ where, document: { kind: Kind.DOCUMENT, definitions: [definition, ...fragments] } });
    }
  }
  return examples;
}

test("the GraphQL examples of the READMEs are valid against the gateway's schema and within its default limits", async () => {
  const schema = await apiSchema();
  const rules = defaultLimitRules();
  const examples = [...graphqlExamples("README.md"), ...graphqlExamples("subgraphs/README.md")];
  assert.ok(examples.length >= 10, `expected the READMEs to show examples, found ${examples.length}`);
  const problems: string[] = [];
  for (const { where, document } of examples) {
    const errors = validate(schema, document, rules);
    for (const error of errors) problems.push(`${where}: ${error.message}`);
  }
  assert.deepEqual(problems, []);
});

test("the IDE's first query is valid and within the default limits", async () => {
  const sdl = await apiSdl();
  const query = ideDefaultQuery(sdl, true);
  assert.match(query, /customers\(first: 10\)/);
  const errors = validate(buildSchema(sdl), parse(query), defaultLimitRules());
  assert.deepEqual(errors.map((error) => error.message), []);
});
