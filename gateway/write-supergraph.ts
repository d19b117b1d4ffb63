/** npm run supergraph: rewrites gateway/supergraph.graphql from the subgraphs' current SDL. */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { composeCurrentSupergraph, SUPERGRAPH_FILE } from "./supergraph-file.js";

try {
  const supergraph = await composeCurrentSupergraph();
  const before = await readFile(SUPERGRAPH_FILE, "utf8").catch(() => "");
  const where = path.relative(process.cwd(), SUPERGRAPH_FILE);
  if (before === supergraph) {
    console.log(`${where} is up to date`);
  } else {
    await writeFile(SUPERGRAPH_FILE, supergraph);
    console.log(`${where} written (${supergraph.split("\n").length} lines)`);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
