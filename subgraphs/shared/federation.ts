import "reflect-metadata";
import { parse, type GraphQLSchema } from "graphql";
import { buildSchema, createResolversMap, type BuildSchemaOptions } from "type-graphql";
import { buildSubgraphSchema, printSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/resolverMap.js";
import { printSchemaWithDirectives } from "@graphql-tools/utils";

export type ReferenceResolvers = Record<string, { __resolveReference: (reference: never, context: never) => unknown }>;

/**
 * type-graphql classes → an Apollo Federation 2 subgraph schema. type-graphql builds the schema (skipCheck: a
 * subgraph may have no Query), the schema is printed WITH its directives (plain printSchema drops @key) and handed to
 * @apollo/subgraph in the array form (the only form 2.15+ accepts), with the reference resolvers merged in.
 */
export async function buildFederatedSchema(
  options: Omit<BuildSchemaOptions, "skipCheck">,
  referenceResolvers: ReferenceResolvers = {},
): Promise<{ schema: GraphQLSchema; sdl: string }> {
  const typeGraphqlSchema = await buildSchema({ ...options, skipCheck: true });
  const typeDefs = parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
    ${printSchemaWithDirectives(typeGraphqlSchema)}
  `);
  const resolvers = createResolversMap(typeGraphqlSchema) as GraphQLResolverMap<unknown>;
  for (const [typeName, reference] of Object.entries(referenceResolvers)) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...reference } as GraphQLResolverMap<unknown>[string];
  }
  const schema = buildSubgraphSchema([{ typeDefs, resolvers }]);
  return { schema, sdl: printSubgraphSchema(schema) };
}
