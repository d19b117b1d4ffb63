import "reflect-metadata";
import { Arg, Ctx, Field, FieldResolver, GraphQLISODateTime, ID, InputType, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { connectionType, paginate, type KeysetOrder } from "../../shared/pagination.js";
import { fieldChangesQuery, type FieldChangeFilter } from "../../../src/sync/index.js";
import { ChangeReason, SourceSystem } from "../types/enums.js";
import { Customer } from "../types/customer.js";
import { FieldChange, toFieldChange } from "../types/field-change.js";
import { Item } from "../types/item.js";
import { Order } from "../types/order.js";
import { checkUuid } from "./unified-support.js";

export const FieldChangeConnection = connectionType("FieldChange", FieldChange);

const NEWEST_FIRST: KeysetOrder = { keys: ["id"], types: ["number"], descending: true };

@InputType("ChangeFilter")
export class ChangeFilter {
  @Field(() => ID, { nullable: true, description: "One unified record's history." }) unifiedId?: string | null;
  @Field(() => SourceSystem, { nullable: true }) system?: SourceSystem | null;
  @Field(() => String, { nullable: true, description: "A unified field (email, lastName, address, …)." }) field?: string | null;
  @Field(() => ChangeReason, { nullable: true }) why?: ChangeReason | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: "From this time on." }) since?: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: "Before this time." }) until?: Date | null;
}

function history(ctx: SubgraphContext, filter: FieldChangeFilter, first?: number, after?: string) {
  return paginate(ctx.sql, fieldChangesQuery(ctx.sql.knex, filter), NEWEST_FIRST, { first, after }, toFieldChange, {
    fieldsAsked: ctx.operation.fieldsAsked,
  });
}

const HISTORY_DESCRIPTION = "What changed on this record's sides, newest first: detected, written by the sync, created (SYNC_HISTORY_DAYS keeps it).";

@Resolver(() => FieldChange)
export class FieldChangeResolver {
  @Query(() => FieldChangeConnection, { description: "The history of every record, newest first, by filter." })
  changes(
    @Ctx() ctx: SubgraphContext,
    @Arg("filter", () => ChangeFilter, { nullable: true }) filter?: ChangeFilter,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ) {
    return history(
      ctx,
      {
        unifiedIds: filter?.unifiedId ? [checkUuid(filter.unifiedId, "A unified")] : undefined,
        system: filter?.system ?? undefined,
        field: filter?.field ?? undefined,
        why: filter?.why ?? undefined,
        since: filter?.since ?? undefined,
        until: filter?.until ?? undefined,
      },
      first,
      after,
    );
  }
}

@Resolver(() => Customer)
export class CustomerHistoryResolver {
  @FieldResolver(() => FieldChangeConnection, { description: HISTORY_DESCRIPTION })
  history(
    @Root() customer: Customer,
    @Ctx() ctx: SubgraphContext,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ) {
    return history(ctx, { unifiedIds: [customer.id] }, first, after);
  }
}

@Resolver(() => Order)
export class OrderHistoryResolver {
  @FieldResolver(() => FieldChangeConnection, { description: HISTORY_DESCRIPTION })
  history(
    @Root() order: Order,
    @Ctx() ctx: SubgraphContext,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ) {
    return history(ctx, { unifiedIds: [order.id] }, first, after);
  }
}

@Resolver(() => Item)
export class ItemHistoryResolver {
  @FieldResolver(() => FieldChangeConnection, { description: HISTORY_DESCRIPTION })
  history(
    @Root() item: Item,
    @Ctx() ctx: SubgraphContext,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string,
  ) {
    return history(ctx, { unifiedIds: [item.id] }, first, after);
  }
}
