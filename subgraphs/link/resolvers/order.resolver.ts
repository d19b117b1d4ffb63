import "reflect-metadata";
import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { connectionType } from "../../shared/pagination.js";
import { unifiedBySource } from "../loaders.js";
import { Conflict } from "../types/conflict.js";
import { Customer, toCustomer } from "../types/customer.js";
import { Link } from "../types/link.js";
import { Order, toOrder } from "../types/order.js";
import { QuarantineEntry } from "../types/quarantine-entry.js";
import { ChargebeeInvoiceRef, ChargebeeOrderRef, PowerOfficeSalesOrderRef } from "../types/references.js";
import { UnifiedFilter, checkUuid, firstLinkedRef, linksFor, listUnified, loadUnified, openConflictsFor, quarantineFor } from "./unified-support.js";

export const OrderConnection = connectionType("Order", Order);

@Resolver(() => Order)
export class OrderResolver {
  @Query(() => OrderConnection, { description: "Unified orders, by name." })
  orders(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("filter", () => UnifiedFilter, { nullable: true }) filter?: UnifiedFilter,
  ) {
    return listUnified(ctx, "order", filter, { first, after }, toOrder);
  }

  @Query(() => Order, { nullable: true, description: "One unified order (null when unknown)." })
  order(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    return loadUnified(ctx, "order", checkUuid(id, "An order"), toOrder);
  }

  @FieldResolver(() => PowerOfficeSalesOrderRef, { nullable: true, description: "The PowerOffice sales order (with its lines)." })
  powerofficeSalesOrder(@Root() order: Order, @Ctx() ctx: SubgraphContext) {
    return firstLinkedRef(ctx, order.id, "poweroffice", "SalesOrder");
  }

  @FieldResolver(() => ChargebeeOrderRef, { nullable: true, description: "The Chargebee order (its line items come from the invoice)." })
  chargebeeOrder(@Root() order: Order, @Ctx() ctx: SubgraphContext) {
    return firstLinkedRef(ctx, order.id, "chargebee", "order");
  }

  @FieldResolver(() => ChargebeeInvoiceRef, { nullable: true, description: "The Chargebee invoice, when linked (else see chargebeeOrder.invoice)." })
  chargebeeInvoice(@Root() order: Order, @Ctx() ctx: SubgraphContext) {
    return firstLinkedRef(ctx, order.id, "chargebee", "invoice");
  }

  @FieldResolver(() => Customer, { nullable: true, description: "The unified customer the order is billed to." })
  async customer(@Root() order: Order, @Ctx() ctx: SubgraphContext) {
    const chargebeeCustomerId = order.agreed.customerId;
    if (typeof chargebeeCustomerId !== "string" || chargebeeCustomerId === "") return null;
    const row = await unifiedBySource(ctx, "customer").load({ system: "chargebee", entity: "customer", sourceId: chargebeeCustomerId });
    return row ? toCustomer(row) : null;
  }

  @FieldResolver(() => [Link])
  links(@Root() order: Order, @Ctx() ctx: SubgraphContext) {
    return linksFor(ctx, order.id);
  }

  @FieldResolver(() => [Conflict])
  openConflicts(@Root() order: Order, @Ctx() ctx: SubgraphContext) {
    return openConflictsFor(ctx, order.id);
  }

  @FieldResolver(() => [QuarantineEntry])
  quarantine(@Root() order: Order, @Ctx() ctx: SubgraphContext) {
    return quarantineFor(ctx, order.id);
  }
}
