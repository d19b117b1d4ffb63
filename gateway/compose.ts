import { parse, type GraphQLError } from "graphql";
import { composeServices } from "@theguild/federation-composition";

export interface SubgraphSource {
  name: string;
  /** Where the gateway sends this subgraph's part of a query (its GraphQL endpoint). */
  url: string;
  /** The subgraph's SDL as `_service { sdl }` returns it (federation directives included). */
  sdl: string;
}

/** Composition failed: the message names each subgraph and what is wrong, so it can be printed as is. */
export class CompositionError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `The subgraphs do not compose into a supergraph:\n${problems.map((p) => `  - ${p}`).join("\n")}\n` +
        "Fix the subgraph schemas named above and start again.",
    );
    this.name = "CompositionError";
  }
}

function describeCompositionError(error: GraphQLError): string {
  const code = typeof error.extensions?.code === "string" ? ` [${error.extensions.code}]` : "";
  return `${error.message}${code}`;
}

/** Composes a Federation 2 supergraph in-process (no rover binary) with @theguild/federation-composition (MIT). */
export function composeSupergraph(subgraphs: readonly SubgraphSource[]): string {
  if (subgraphs.length === 0) throw new CompositionError(["no subgraph was given"]);
  const problems: string[] = [];
  const services = subgraphs.flatMap((subgraph) => {
    try {
      return [{ name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.sdl) }];
    } catch (error) {
      problems.push(`subgraph "${subgraph.name}": its SDL does not parse: ${(error as Error).message}`);
      return [];
    }
  });
  const names = subgraphs.map((s) => s.name);
  for (const name of new Set(names)) {
    if (names.filter((n) => n === name).length > 1) problems.push(`subgraph "${name}" is given more than once`);
  }
  if (problems.length > 0) throw new CompositionError(problems);
  const result = composeServices(services);
  if (result.errors && result.errors.length > 0) {
    // The library's messages already name the subgraph(s) involved ("[link] Type ..."), keep them verbatim.
    throw new CompositionError(result.errors.map(describeCompositionError));
  }
  return result.supergraphSdl!;
}
