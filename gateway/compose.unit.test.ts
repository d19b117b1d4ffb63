import { test } from "node:test";
import assert from "node:assert/strict";
import { composeSupergraph, CompositionError } from "./compose.js";
import { ACCOUNTS_SDL, BILLING_SDL } from "./test-support/tiny-subgraphs.js";

test("two subgraphs compose into a supergraph that routes each to its URL", () => {
  const supergraph = composeSupergraph([
    { name: "accounts", url: "http://127.0.0.1:1/graphql", sdl: ACCOUNTS_SDL },
    { name: "billing", url: "http://127.0.0.1:2/graphql", sdl: BILLING_SDL },
  ]);
  assert.match(supergraph, /ACCOUNTS @join__graph\(name: "accounts", url: "http:\/\/127\.0\.0\.1:1\/graphql"\)/);
  assert.match(supergraph, /type Person @join__type\(graph: ACCOUNTS, key: "id"\)/);
});

test("a conflict stops composition with a message naming the subgraphs and the problem", () => {
  const clash = BILLING_SDL.replace("balance: Int!", "balance: Int! name: Int!");
  assert.throws(
    () =>
      composeSupergraph([
        { name: "accounts", url: "http://127.0.0.1:1/graphql", sdl: ACCOUNTS_SDL },
        { name: "billing", url: "http://127.0.0.1:2/graphql", sdl: clash },
      ]),
    (error: unknown) => {
      assert.ok(error instanceof CompositionError);
      assert.match(error.message, /^The subgraphs do not compose into a supergraph:/);
      assert.match(error.message, /Person\.name/);
      assert.match(error.message, /accounts/);
      assert.match(error.message, /billing/);
      assert.match(error.message, /Fix the subgraph schemas named above and start again\.$/);
      return true;
    },
  );
});

test("an SDL that does not parse names its subgraph", () => {
  assert.throws(() => composeSupergraph([{ name: "link", url: "http://x/graphql", sdl: "type Query {" }]), /subgraph "link": its SDL does not parse/);
});
