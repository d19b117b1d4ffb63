import "reflect-metadata";
import { whereJsonField } from "../../../src/datasets/record-queries.js";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { DatasetFilter } from "../../shared/dataset-entity.js";
import { listRecords, loadRecord } from "../../shared/dataset-resolvers.js";
import { connectionType } from "../../shared/pagination.js";
import { BUSINESS_ENTITY, ChargebeeBusinessEntity, toChargebeeBusinessEntity } from "../types/business-entity.js";
import { CUSTOMER, ChargebeeCustomer, toChargebeeCustomer } from "../types/customer.js";

@InputType("ChargebeeBusinessEntityFilter")
export class ChargebeeBusinessEntityFilter extends DatasetFilter {
  @Field(() => String, { nullable: true, description: "active or inactive." }) status?: string | null;
}

export const ChargebeeBusinessEntityConnection = connectionType("ChargebeeBusinessEntity", ChargebeeBusinessEntity);

@Resolver(() => ChargebeeBusinessEntity)
export class ChargebeeBusinessEntityResolver {
  @Query(() => ChargebeeBusinessEntityConnection, { description: "Chargebee business entities, in id order." })
  chargebeeBusinessEntities(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("filter", () => ChargebeeBusinessEntityFilter, { nullable: true }) filter?: ChargebeeBusinessEntityFilter,
  ) {
    return listRecords(ctx, "chargebee", BUSINESS_ENTITY, filter, { first, after }, toChargebeeBusinessEntity, (query, f, knex) => {
      whereJsonField(knex, query, "status", f.status);
    });
  }

  @Query(() => ChargebeeBusinessEntity, { nullable: true, description: "One Chargebee business entity by id (null when unknown)." })
  chargebeeBusinessEntity(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    return loadRecord(ctx, "chargebee", BUSINESS_ENTITY, id, toChargebeeBusinessEntity);
  }

  @FieldResolver(() => [ChargebeeCustomer], { description: "The customers in this business entity (not deleted), in id order." })
  async customers(@Root() entity: ChargebeeBusinessEntity, @Ctx() ctx: SubgraphContext) {
    return (await ctx.datasets.byField("chargebee", CUSTOMER, "business_entity_id").load(entity.id)).map(toChargebeeCustomer);
  }
}
