import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type OperationDefinitionNode } from "graphql";
import { selectsAny } from "./selection.js";
import { fieldNamesIn, mayAsk } from "./fields-asked.js";

/** The parts of a resolver's info selectsAny reads, for the first field of the query. */
function infoOf(query: string): GraphQLResolveInfo {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  return { fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments } as unknown as GraphQLResolveInfo;
}

describe("selectsAny", () => {
  const linkFields = new Set(["chargebee", "orders"]);

  test("finds a field at the path, and not elsewhere", () => {
    assert.equal(selectsAny(infoOf(`{ customers { edges { node { id chargebee { id } } } } }`), ["edges", "node"], linkFields), true);
    assert.equal(selectsAny(infoOf(`{ customers { edges { node { id name } } } }`), ["edges", "node"], linkFields), false);
    assert.equal(selectsAny(infoOf(`{ customers { totalCount chargebee: totalCount } }`), ["edges", "node"], linkFields), false);
    assert.equal(selectsAny(infoOf(`{ orders { id chargebee { id } } }`), [], linkFields), true);
  });

  test("looks through inline fragments and named fragments", () => {
    assert.equal(
      selectsAny(
        infoOf(`{ customers { edges { ... on CustomerEdge { node { ... on Customer { orders { id } } } } } } }`),
        ["edges", "node"],
        linkFields,
      ),
      true,
    );
    assert.equal(
      selectsAny(
        infoOf(
          `{ customers { ...page } } fragment page on CustomerConnection { edges { node { ...who } } } fragment who on Customer { chargebee { id } }`,
        ),
        ["edges", "node"],
        linkFields,
      ),
      true,
    );
    assert.equal(
      selectsAny(infoOf(`{ customers { ...page } } fragment page on CustomerConnection { edges { node { id } } }`), ["edges", "node"], linkFields),
      false,
    );
  });
});

describe("fieldNamesIn and mayAsk", () => {
  test("every field name of the document, fragments included, aliases aside", () => {
    const names = fieldNamesIn(parse(`query { a: customers { ...f } } fragment f on CustomerConnection { edges { node { lastSeenAt } } }`));
    assert.deepEqual([...names].sort(), ["customers", "edges", "lastSeenAt", "node"]);
    assert.equal(mayAsk(names, ["lastChangedAt", "lastSeenAt"]), true);
    assert.equal(mayAsk(names, ["createdAt"]), false);
    assert.equal(mayAsk(null, ["createdAt"]), true);
  });
});
