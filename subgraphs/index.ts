import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildPowerOfficeSubgraph } from "./poweroffice/schema.js";
import { buildChargebeeSubgraph } from "./chargebee/schema.js";
import { buildLinkSubgraph } from "./link/schema.js";
import type { SubgraphDeps } from "./shared/context.js";

export type { SubgraphDeps, SqlObservation, Caller, SubgraphContext } from "./shared/context.js";
export type { SyncCommandDeps } from "./link/sync-commands.js";
export { createRequestContext } from "./shared/context.js";
export { createSubgraphApollo } from "./shared/apollo.js";

export type SubgraphName = "poweroffice" | "chargebee" | "link";

export interface SubgraphDefinition {
  name: SubgraphName;
  schema: GraphQLSchema;
  /** The subgraph SDL (with @key etc.) for composition. */
  sdl: string;
}

export const SUBGRAPH_NAMES: readonly SubgraphName[] = ["poweroffice", "chargebee", "link"];

const builders: Record<SubgraphName, () => Promise<{ schema: GraphQLSchema; sdl: string }>> = {
  poweroffice: buildPowerOfficeSubgraph,
  chargebee: buildChargebeeSubgraph,
  link: buildLinkSubgraph,
};

/** Builds one subgraph's schema. The schemas do not depend on deps: those reach resolvers through the request context. */
export async function buildSubgraph(name: SubgraphName): Promise<SubgraphDefinition> {
  const { schema, sdl } = await builders[name]();
  return { name, schema, sdl };
}

/** The three subgraphs, in composition order. deps is accepted for the contract's shape; servers take it per request. */
export async function buildSubgraphs(_deps?: SubgraphDeps): Promise<SubgraphDefinition[]> {
  const definitions: SubgraphDefinition[] = [];
  for (const name of SUBGRAPH_NAMES) definitions.push(await buildSubgraph(name));
  return definitions;
}
