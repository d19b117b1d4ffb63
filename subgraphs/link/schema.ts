import "reflect-metadata";
import { Ctx, Field, ID, ObjectType, Query, Resolver, Directive } from "type-graphql";
import { buildFederatedSchema } from "../shared/federation.js";
import type { SubgraphContext } from "../shared/context.js";

@ObjectType()
@Directive(`@key(fields: "id")`)
class Customer {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { nullable: true }) email!: string | null;
}

@Resolver(() => Customer)
class CustomerResolver {
  @Query(() => [Customer])
  async customers(@Ctx() ctx: SubgraphContext) {
    return ctx.sql.rows(ctx.sql.knex("unified_records").where({ kind: "customer" }).orderBy("id").limit(50));
  }
}

export function buildLinkSubgraph() {
  return buildFederatedSchema({ resolvers: [CustomerResolver] });
}
