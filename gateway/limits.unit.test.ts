import { test } from "node:test";
import assert from "node:assert/strict";
import {
  buildSchema,
  getIntrospectionQuery,
  Kind,
  parse,
  specifiedRules,
  validate,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from "graphql";
import { loadConfig } from "../src/config/config.js";
import { countSelections, measureOperation, queryLimitsOf, queryLimitsRule, type QueryLimits } from "./limits.js";

const schema = buildSchema(`
  type Query { customers(first: Int): CustomerConnection! customer(id: ID!): Customer tags: [String!]! }
  type CustomerConnection { edges: [CustomerEdge!]! nodes: [Customer!]! }
  type CustomerEdge { node: Customer! }
  type Customer { id: ID! name: String orders: [Order!]! }
  type Order { id: ID! lines: [Line!]! }
  type Line { id: ID! }
`);

function operationAndFragments(source: string) {
  const document = parse(source);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  return { operation, fragments };
}

function measure(source: string, assumedListSize = 10) {
  const { operation, fragments } = operationAndFragments(source);
  return measureOperation(schema, operation, fragments, assumedListSize);
}

function count(source: string) {
  const { operation, fragments } = operationAndFragments(source);
  return countSelections(operation, fragments);
}

const LIMITS: QueryLimits = { maxDepth: 10, maxCost: 1000, maxAliases: 3, maxRootFields: 2 };

function limitErrors(source: string, limits: QueryLimits = LIMITS) {
  return validate(schema, parse(source), [...specifiedRules, queryLimitsRule(limits)]).map((error) => ({
    code: error.extensions.code,
    message: error.message,
  }));
}

test("depth counts nested fields; scalars at the root are depth 1", () => {
  assert.equal(measure("{ tags }").depth, 1);
  assert.equal(measure('{ customer(id: "1") { id } }').depth, 2);
  assert.equal(measure("{ customers(first: 5) { edges { node { orders { lines { id } } } } } }").depth, 6);
});

test("introspection fields are not counted, so GraphiQL's schema query always passes", () => {
  assert.deepEqual(measure("{ __schema { types { fields { type { ofType { ofType { name } } } } } } }"), {
    depth: 0,
    cost: 0,
  });
});

test("depth and cost follow fragments, and a cyclic spread does not loop", () => {
  const viaFragment = measure("{ customers(first: 2) { ...C } } fragment C on CustomerConnection { nodes { id } }");
  const inline = measure("{ customers(first: 2) { nodes { id } } }");
  assert.deepEqual(viaFragment, inline);
  const cyclic = measure("{ customer(id: 1) { ...A } } fragment A on Customer { ...B } fragment B on Customer { ...A }");
  assert.equal(cyclic.depth, 1);
});

test("cost: first multiplies the subtree; a connection's edges are not counted twice", () => {
  // customers(first: 5): 5 × (1 + edges(1 + node(1)))
  assert.equal(measure("{ customers(first: 5) { edges { node { id } } } }").cost, 15);
  // an unbounded nested list is assumed to hold assumedListSize items: orders 3 × (1 + 0)
  assert.equal(measure('{ customer(id: "1") { orders { id } } }', 3).cost, 1 + 3);
  // a variable page size counts as the assumed list size
  assert.equal(measure("query($n: Int) { customers(first: $n) { nodes { id } } }", 4).cost, 4 * 2);
});

test("a fragment spread 2^40 times is measured once per level, not walked at every use", { timeout: 10_000 }, () => {
  const levels = 40;
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  const source = `{ ...F0 } ${fragments.join(" ")} fragment F${levels} on Query { customer(id: "1") { id } }`;
  assert.deepEqual(measure(source), { depth: 2, cost: 2 ** levels });
});

test("aliases: every aliased field counts, a fragment's at each spread, __typename too", () => {
  assert.equal(count("{ a: tags b: tags }").aliases, 2);
  assert.equal(count('{ customer(id: "1") { x: name y: name orders { z: id } } }').aliases, 3);
  const spreadTwice = '{ one: customer(id: "1") { ...Names } two: customer(id: "2") { ...Names } } fragment Names on Customer { n1: name n2: name }';
  assert.equal(count(spreadTwice).aliases, 2 + 2 * 2);
  assert.equal(count('{ customer(id: "1") { ... on Customer { t1: __typename t2: __typename } } }').aliases, 2);
  assert.equal(count("{ customers(first: 1) { nodes { id name } } }").aliases, 0);
});

test("aliases: a cyclic spread does not loop, and a fragment used 2^40 times is counted once per level", { timeout: 10_000 }, () => {
  assert.equal(count("{ customer(id: 1) { ...A } } fragment A on Customer { a: id ...B } fragment B on Customer { b: id ...A }").aliases, 2);
  const levels = 40;
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  assert.equal(count(`{ ...F0 } ${fragments.join(" ")} fragment F${levels} on Query { t: tags }`).aliases, 2 ** levels);
});

test("root fields: the distinct top-level response keys, through fragments; the same field twice runs once", () => {
  assert.equal(count("{ tags }").rootFields, 1);
  assert.equal(count('{ tags customers(first: 1) { nodes { id } } customer(id: "1") { id } }').rootFields, 3);
  assert.equal(count('{ a: customer(id: "1") { id } b: customer(id: "2") { id } }').rootFields, 2);
  assert.equal(count("{ tags tags ...Q ... on Query { __typename } } fragment Q on Query { tags t: tags }").rootFields, 3);
  assert.equal(count("query { ...A } fragment A on Query { tags ...B } fragment B on Query { __typename ...A }").rootFields, 2);
});

test("the rule refuses too many aliases and too many top-level fields, naming the limit and its variable", () => {
  assert.deepEqual(limitErrors("query Many { a: tags b: tags c: tags d: tags }"), [
    {
      code: "ALIAS_LIMIT_EXCEEDED",
      message:
        'Operation "Many" uses 4 aliases (a fragment\'s counted at each spread); the limit is 3 (GRAPHQL_MAX_ALIASES). ' +
        "Ask for a list with a filter instead of the same field under many names, or split the query.",
    },
    {
      code: "ROOT_FIELD_LIMIT_EXCEEDED",
      message: 'Operation "Many" asks for 4 top-level fields; the limit is 2 (GRAPHQL_MAX_ROOT_FIELDS). Split it into smaller queries.',
    },
  ]);
  assert.deepEqual(limitErrors('{ a: tags customer(id: "1") { x: name y: name } }'), []);
  assert.deepEqual(
    limitErrors("{ tags customers(first: 1) { nodes { id } } __typename }").map((e) => e.code),
    ["ROOT_FIELD_LIMIT_EXCEEDED"],
  );
});

test("GraphiQL's introspection query passes the default limits", () => {
  const introspection = getIntrospectionQuery({
    descriptions: true,
    specifiedByUrl: true,
    directiveIsRepeatable: true,
    schemaDescription: true,
    inputValueDeprecation: true,
    oneOf: true,
  });
  assert.deepEqual(limitErrors(introspection, queryLimitsOf(loadConfig({}).gateway)), []);
  assert.deepEqual(count(introspection), { aliases: 0, rootFields: 1 });
});
