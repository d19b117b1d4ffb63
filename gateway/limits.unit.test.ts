import { test } from "node:test";
import assert from "node:assert/strict";
import { buildSchema, Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from "graphql";
import { measureOperation } from "./limits.js";

const schema = buildSchema(`
  type Query { customers(first: Int): CustomerConnection! customer(id: ID!): Customer tags: [String!]! }
  type CustomerConnection { edges: [CustomerEdge!]! nodes: [Customer!]! }
  type CustomerEdge { node: Customer! }
  type Customer { id: ID! name: String orders: [Order!]! }
  type Order { id: ID! lines: [Line!]! }
  type Line { id: ID! }
`);

function measure(source: string, assumedListSize = 10) {
  const document = parse(source);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  return measureOperation(schema, operation, fragments, assumedListSize);
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
