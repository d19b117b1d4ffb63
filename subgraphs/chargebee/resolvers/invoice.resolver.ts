import "reflect-metadata";
import { whereJsonField } from "../../../src/datasets/record-queries.js";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { DatasetFilter } from "../../shared/dataset-entity.js";
import { listRecords, loadRecord } from "../../shared/dataset-resolvers.js";
import { connectionType } from "../../shared/pagination.js";
import { CUSTOMER, ChargebeeCustomer, toChargebeeCustomer } from "../types/customer.js";
import { ChargebeeInvoice, INVOICE, toChargebeeInvoice } from "../types/invoice.js";
import { ChargebeeOrder, ORDER, toChargebeeOrder } from "../types/order.js";

@InputType("ChargebeeInvoiceFilter")
export class ChargebeeInvoiceFilter extends DatasetFilter {
  @Field(() => ID, { nullable: true }) customerId?: string | null;
  @Field(() => String, { nullable: true }) status?: string | null;
}

export const ChargebeeInvoiceConnection = connectionType("ChargebeeInvoice", ChargebeeInvoice);

@Resolver(() => ChargebeeInvoice)
export class ChargebeeInvoiceResolver {
  @Query(() => ChargebeeInvoiceConnection, { description: "Chargebee invoices, in id order." })
  chargebeeInvoices(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("filter", () => ChargebeeInvoiceFilter, { nullable: true }) filter?: ChargebeeInvoiceFilter,
  ) {
    return listRecords(ctx, "chargebee", INVOICE, filter, { first, after }, toChargebeeInvoice, (query, f, knex) => {
      whereJsonField(knex, query, "customer_id", f.customerId);
      whereJsonField(knex, query, "status", f.status);
    });
  }

  @Query(() => ChargebeeInvoice, { nullable: true, description: "One Chargebee invoice by id (null when unknown)." })
  chargebeeInvoice(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    return loadRecord(ctx, "chargebee", INVOICE, id, toChargebeeInvoice);
  }

  @FieldResolver(() => ChargebeeCustomer, { nullable: true })
  customer(@Root() invoice: ChargebeeInvoice, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "chargebee", CUSTOMER, invoice.customerId, toChargebeeCustomer);
  }

  @FieldResolver(() => [ChargebeeOrder], { description: "The orders made for this invoice." })
  async orders(@Root() invoice: ChargebeeInvoice, @Ctx() ctx: SubgraphContext) {
    return (await ctx.datasets.byField("chargebee", ORDER, "invoice_id").load(invoice.id)).map(toChargebeeOrder);
  }
}
