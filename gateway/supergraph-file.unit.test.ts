import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { composeCurrentSupergraph, REFRESH_COMMAND, SUPERGRAPH_FILE } from "./supergraph-file.js";

test("gateway/supergraph.graphql matches the subgraphs' current SDL", async () => {
  const expected = await composeCurrentSupergraph();
  const committed = await readFile(SUPERGRAPH_FILE, "utf8").catch(() => "(missing)");
  assert.ok(committed === expected, `gateway/supergraph.graphql is out of date with the subgraphs: run \`${REFRESH_COMMAND}\` and commit the file.`);
});
