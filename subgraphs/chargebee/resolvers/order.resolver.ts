import "reflect-metadata";
import { whereJsonField } from "../../../src/datasets/record-queries.js";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { DatasetFilter } from "../../shared/dataset-entity.js";
import { listRecords, loadRecord } from "../../shared/dataset-resolvers.js";
import { connectionType } from "../../shared/pagination.js";
import { BUSINESS_ENTITY, ChargebeeBusinessEntity, toChargebeeBusinessEntity } from "../types/business-entity.js";
import { CUSTOMER, ChargebeeCustomer, toChargebeeCustomer } from "../types/customer.js";
import { ChargebeeInvoice, INVOICE, toChargebeeInvoice } from "../types/invoice.js";
import { ChargebeeOrder, ORDER, toChargebeeOrder } from "../types/order.js";

@InputType("ChargebeeOrderFilter")
export class ChargebeeOrderFilter extends DatasetFilter {
  @Field(() => ID, { nullable: true }) customerId?: string | null;
  @Field(() => ID, { nullable: true }) invoiceId?: string | null;
  @Field(() => String, { nullable: true }) status?: string | null;
}

export const ChargebeeOrderConnection = connectionType("ChargebeeOrder", ChargebeeOrder);

@Resolver(() => ChargebeeOrder)
export class ChargebeeOrderResolver {
  @Query(() => ChargebeeOrderConnection, { description: "Chargebee orders, in id order." })
  chargebeeOrders(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("filter", () => ChargebeeOrderFilter, { nullable: true }) filter?: ChargebeeOrderFilter,
  ) {
    return listRecords(ctx, "chargebee", ORDER, filter, { first, after }, toChargebeeOrder, (query, f, knex) => {
      whereJsonField(knex, query, "customer_id", f.customerId);
      whereJsonField(knex, query, "invoice_id", f.invoiceId);
      whereJsonField(knex, query, "status", f.status);
    });
  }

  @Query(() => ChargebeeOrder, { nullable: true, description: "One Chargebee order by id (null when unknown)." })
  chargebeeOrder(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    return loadRecord(ctx, "chargebee", ORDER, id, toChargebeeOrder);
  }

  @FieldResolver(() => ChargebeeCustomer, { nullable: true })
  customer(@Root() order: ChargebeeOrder, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "chargebee", CUSTOMER, order.customerId, toChargebeeCustomer);
  }

  @FieldResolver(() => ChargebeeInvoice, { nullable: true, description: "The invoice the order belongs to." })
  invoice(@Root() order: ChargebeeOrder, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "chargebee", INVOICE, order.invoiceId, toChargebeeInvoice);
  }

  @FieldResolver(() => ChargebeeBusinessEntity, { nullable: true })
  businessEntity(@Root() order: ChargebeeOrder, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "chargebee", BUSINESS_ENTITY, order.businessEntityId, toChargebeeBusinessEntity);
  }
}
