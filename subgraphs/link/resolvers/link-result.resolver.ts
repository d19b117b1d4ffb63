import "reflect-metadata";
import { FLOW_IDS, isFlowId } from "../../../src/sync/index.js";
import { activeLinksOfRecordQuery } from "../../../src/sync/tables/links.js";
import { unifiedRecordQuery } from "../../../src/sync/tables/unified-records.js";
import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { badUserInput, notFound } from "../../shared/errors.js";
import { assertMayWrite, command } from "../commands.js";
import { unifiedById } from "../loaders.js";
import { BusinessEntity, toBusinessEntity } from "../types/business-entity.js";
import { Customer, toCustomer } from "../types/customer.js";
import { UnifiedKind } from "../types/enums.js";
import { Item, toItem } from "../types/item.js";
import { Link } from "../types/link.js";
import { LinkInput, LinkResult, UnlinkInput } from "../types/link-result.js";
import { Order, toOrder } from "../types/order.js";
import type { UnifiedRow } from "../types/unified.js";
import { linksFor } from "./unified-support.js";

const FLOW_RANGE = `${FLOW_IDS[0]} to ${FLOW_IDS[FLOW_IDS.length - 1]}`;

async function resultFor(ctx: SubgraphContext, unifiedId: string): Promise<LinkResult> {
  const row = await ctx.sql.first<UnifiedRow>(unifiedRecordQuery(ctx.sql.knex, unifiedId));
  if (!row) throw notFound(`The unified record ${unifiedId} no longer exists`);
  return { unifiedId, kind: row.kind as UnifiedKind };
}

async function ofKind<T>(ctx: SubgraphContext, result: LinkResult, kind: UnifiedKind, map: (row: UnifiedRow) => T): Promise<T | null> {
  if (result.kind !== kind) return null;
  const row = await unifiedById(ctx, kind).load(result.unifiedId);
  return row ? map(row) : null;
}

@Resolver(() => LinkResult)
export class LinkResultResolver {
  @Mutation(() => LinkResult, { description: "Links a PowerOffice record and a Chargebee record by hand (they become one unified record)." })
  async link(@Ctx() ctx: SubgraphContext, @Arg("input", () => LinkInput) input: LinkInput) {
    assertMayWrite(ctx);
    if (!isFlowId(input.flow)) throw badUserInput(`Unknown flow "${input.flow}". Flows are ${FLOW_RANGE}.`);
    const linkRecords = command(ctx, "linkRecords");
    const linked = await linkRecords(ctx.sql.knex, { ...input, requestedBy: ctx.caller.name });
    return resultFor(ctx, linked.unifiedId);
  }

  @Mutation(() => LinkResult, { description: "Unlinks a source record: the sync treats it as new again (it may match and link anew)." })
  async unlink(@Ctx() ctx: SubgraphContext, @Arg("input", () => UnlinkInput) input: UnlinkInput) {
    assertMayWrite(ctx);
    if (input.flow && !isFlowId(input.flow)) throw badUserInput(`Unknown flow "${input.flow}". Flows are ${FLOW_RANGE}.`);
    const link = await ctx.sql.first<{ unified_id: string }>(
      activeLinksOfRecordQuery(ctx.sql.knex, { system: input.system, entity: input.type, sourceId: input.id, flow: input.flow ?? undefined }),
    );
    if (!link) throw notFound(`${input.system} ${input.type} ${input.id} is not linked${input.flow ? ` in flow ${input.flow}` : ""}`);
    const unlinkRecord = command(ctx, "unlinkRecord");
    await unlinkRecord(ctx.sql.knex, {
      system: input.system,
      entity: input.type,
      sourceId: input.id,
      flow: input.flow ?? undefined,
      requestedBy: ctx.caller.name,
    });
    return resultFor(ctx, link.unified_id);
  }

  @FieldResolver(() => Customer, { nullable: true })
  customer(@Root() result: LinkResult, @Ctx() ctx: SubgraphContext) {
    return ofKind(ctx, result, UnifiedKind.CUSTOMER, toCustomer);
  }

  @FieldResolver(() => Order, { nullable: true })
  order(@Root() result: LinkResult, @Ctx() ctx: SubgraphContext) {
    return ofKind(ctx, result, UnifiedKind.ORDER, toOrder);
  }

  @FieldResolver(() => Item, { nullable: true })
  item(@Root() result: LinkResult, @Ctx() ctx: SubgraphContext) {
    return ofKind(ctx, result, UnifiedKind.ITEM, toItem);
  }

  @FieldResolver(() => BusinessEntity, { nullable: true })
  businessEntity(@Root() result: LinkResult, @Ctx() ctx: SubgraphContext) {
    return ofKind(ctx, result, UnifiedKind.BUSINESS_ENTITY, toBusinessEntity);
  }

  @FieldResolver(() => [Link])
  links(@Root() result: LinkResult, @Ctx() ctx: SubgraphContext) {
    return linksFor(ctx, result.unifiedId);
  }
}
