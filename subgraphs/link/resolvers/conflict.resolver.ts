import "reflect-metadata";
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { GraphQLJSON } from "graphql-scalars";
import { unifiedKindsQuery } from "../../../src/sync/tables/unified-records.js";
import type { SubgraphContext } from "../../shared/context.js";
import { badUserInput, clientError, notFound } from "../../shared/errors.js";
import { connectionType, paginate, type KeysetOrder } from "../../shared/pagination.js";
import { assertMayWrite, command } from "../commands.js";
import { unifiedById } from "../loaders.js";
import { BusinessEntity, toBusinessEntity } from "../types/business-entity.js";
import { Conflict, toConflict, type ConflictRow } from "../types/conflict.js";
import { Customer, toCustomer } from "../types/customer.js";
import { ConflictStatus, SourceSystem, UnifiedKind } from "../types/enums.js";
import { Item, toItem } from "../types/item.js";
import { Order, toOrder } from "../types/order.js";
import { checkUuid } from "./unified-support.js";

export const ConflictConnection = connectionType("Conflict", Conflict);

const NEWEST_FIRST: KeysetOrder = { keys: ["id"], types: ["number"], descending: true };

export function numericId(id: string, what: string): number {
  if (!/^\d{1,15}$/.test(id)) throw badUserInput(`${what} id is a number, got "${id}"`);
  return Number(id);
}

async function unifiedOf<T>(
  ctx: SubgraphContext,
  conflict: Conflict,
  kind: "customer" | "order" | "item" | "business_entity",
  map: (row: never) => T,
) {
  const row = await unifiedById(ctx, kind).load(conflict.unifiedId);
  return row ? map(row as never) : null;
}

@Resolver(() => Conflict)
export class ConflictResolver {
  @Query(() => ConflictConnection, { description: "Conflicts, newest first (open ones unless status says otherwise)." })
  conflicts(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("unifiedId", () => ID, { nullable: true }) unifiedId?: string,
    @Arg("status", () => ConflictStatus, { nullable: true, description: "Default OPEN." }) status?: ConflictStatus,
  ) {
    const query = ctx.sql.knex("conflicts");
    query.where({ status: status ?? ConflictStatus.OPEN });
    if (unifiedId) query.where({ unified_id: checkUuid(unifiedId, "A unified") });
    return paginate(ctx.sql, query, NEWEST_FIRST, { first, after }, toConflict);
  }

  @FieldResolver(() => UnifiedKind, { nullable: true, description: "Which unified type the conflict is on." })
  async kind(@Root() conflict: Conflict, @Ctx() ctx: SubgraphContext) {
    const kinds = ctx.loader<string, string | null>("unified:kind", async (ids) => {
      const rows = await ctx.sql.rows<{ id: string; kind: string }>(unifiedKindsQuery(ctx.sql.knex, ids));
      const byId = new Map(rows.map((row) => [row.id, row.kind]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    return kinds.load(conflict.unifiedId);
  }

  @FieldResolver(() => Customer, { nullable: true, description: "The customer, when the conflict is on one." })
  customer(@Root() conflict: Conflict, @Ctx() ctx: SubgraphContext) {
    return unifiedOf(ctx, conflict, "customer", toCustomer);
  }

  @FieldResolver(() => Order, { nullable: true })
  order(@Root() conflict: Conflict, @Ctx() ctx: SubgraphContext) {
    return unifiedOf(ctx, conflict, "order", toOrder);
  }

  @FieldResolver(() => Item, { nullable: true })
  item(@Root() conflict: Conflict, @Ctx() ctx: SubgraphContext) {
    return unifiedOf(ctx, conflict, "item", toItem);
  }

  @FieldResolver(() => BusinessEntity, { nullable: true })
  businessEntity(@Root() conflict: Conflict, @Ctx() ctx: SubgraphContext) {
    return unifiedOf(ctx, conflict, "business_entity", toBusinessEntity);
  }

  @Mutation(() => Conflict, {
    description: "Decides an open conflict: give the winning system, or the value to keep. The decision is synced to both sides.",
  })
  async resolveConflict(
    @Ctx() ctx: SubgraphContext,
    @Arg("value", () => GraphQLJSON, { nullable: true }) value: unknown,
    @Arg("winner", () => SourceSystem, { nullable: true }) winner: SourceSystem | undefined,
    @Arg("id", () => ID) id: string,
  ) {
    assertMayWrite(ctx);
    const conflictId = numericId(id, "A conflict");
    if ((winner === undefined || winner === null) === (value === undefined)) {
      throw badUserInput("Give either winner (POWEROFFICE or CHARGEBEE) or value, not both and not neither.");
    }
    const before = await ctx.sql.first<ConflictRow>(ctx.sql.knex("conflicts").where({ id: conflictId }));
    if (!before) throw notFound(`Conflict ${id} does not exist`);
    if (before.status !== "open") throw clientError("CONFLICT", `Conflict ${id} was already resolved by ${before.resolved_by ?? "someone"}.`);
    const resolveConflict = command(ctx, "resolveConflict");
    await resolveConflict(ctx.sql.knex, {
      conflictId,
      winner: winner ?? undefined,
      value: value === undefined ? undefined : value,
      resolvedBy: ctx.caller.name,
    });
    const after = await ctx.sql.first<ConflictRow>(ctx.sql.knex("conflicts").where({ id: conflictId }));
    return toConflict(after ?? before);
  }
}
