import "reflect-metadata";
import { whereJsonField } from "../../../src/datasets/record-queries.js";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { DatasetFilter } from "../../shared/dataset-entity.js";
import { listRecords, loadRecord } from "../../shared/dataset-resolvers.js";
import { connectionType } from "../../shared/pagination.js";
import { BUSINESS_ENTITY, ChargebeeBusinessEntity, toChargebeeBusinessEntity } from "../types/business-entity.js";
import { ChargebeeItem, ChargebeeItemPrice, ITEM, ITEM_PRICE, toChargebeeItem, toChargebeeItemPrice } from "../types/item.js";

@InputType("ChargebeeItemFilter")
export class ChargebeeItemFilter extends DatasetFilter {
  @Field(() => String, { nullable: true, description: "plan, addon or charge." }) type?: string | null;
  @Field(() => String, { nullable: true, description: "active, archived or deleted." }) status?: string | null;
  @Field(() => ID, { nullable: true }) itemFamilyId?: string | null;
}

export const ChargebeeItemConnection = connectionType("ChargebeeItem", ChargebeeItem);

@Resolver(() => ChargebeeItem)
export class ChargebeeItemResolver {
  @Query(() => ChargebeeItemConnection, { description: "Chargebee items, in id order." })
  chargebeeItems(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("filter", () => ChargebeeItemFilter, { nullable: true }) filter?: ChargebeeItemFilter,
  ) {
    return listRecords(ctx, "chargebee", ITEM, filter, { first, after }, toChargebeeItem, (query, f, knex) => {
      whereJsonField(knex, query, "type", f.type);
      whereJsonField(knex, query, "status", f.status);
      whereJsonField(knex, query, "item_family_id", f.itemFamilyId);
    });
  }

  @Query(() => ChargebeeItem, { nullable: true, description: "One Chargebee item by id (null when unknown)." })
  chargebeeItem(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    return loadRecord(ctx, "chargebee", ITEM, id, toChargebeeItem);
  }

  @FieldResolver(() => [ChargebeeItemPrice], { description: "The item's prices (not deleted), in id order." })
  async prices(@Root() item: ChargebeeItem, @Ctx() ctx: SubgraphContext) {
    return (await ctx.datasets.byField("chargebee", ITEM_PRICE, "item_id", { orParentId: true }).load(item.id)).map(toChargebeeItemPrice);
  }

  @FieldResolver(() => ChargebeeBusinessEntity, { nullable: true })
  businessEntity(@Root() item: ChargebeeItem, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "chargebee", BUSINESS_ENTITY, item.businessEntityId, toChargebeeBusinessEntity);
  }
}
