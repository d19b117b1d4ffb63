import "reflect-metadata";
import { whereEmail, whereJsonField } from "../../../src/datasets/record-queries.js";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { DatasetFilter } from "../../shared/dataset-entity.js";
import { listRecords, loadRecord } from "../../shared/dataset-resolvers.js";
import { connectionType } from "../../shared/pagination.js";
import { BUSINESS_ENTITY, ChargebeeBusinessEntity, toChargebeeBusinessEntity } from "../types/business-entity.js";
import { CUSTOMER, ChargebeeCustomer, toChargebeeCustomer } from "../types/customer.js";
import { ChargebeeInvoice, INVOICE, toChargebeeInvoice } from "../types/invoice.js";
import { ChargebeeOrder, ORDER, toChargebeeOrder } from "../types/order.js";

@InputType("ChargebeeCustomerFilter")
export class ChargebeeCustomerFilter extends DatasetFilter {
  @Field(() => String, { nullable: true, description: "Exact email address, case-insensitive." }) email?: string | null;
  @Field(() => String, { nullable: true }) company?: string | null;
  @Field(() => ID, { nullable: true }) businessEntityId?: string | null;
}

export const ChargebeeCustomerConnection = connectionType("ChargebeeCustomer", ChargebeeCustomer);

@Resolver(() => ChargebeeCustomer)
export class ChargebeeCustomerResolver {
  @Query(() => ChargebeeCustomerConnection, { description: "Chargebee customers, in id order." })
  chargebeeCustomers(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("filter", () => ChargebeeCustomerFilter, { nullable: true }) filter?: ChargebeeCustomerFilter,
  ) {
    return listRecords(ctx, "chargebee", CUSTOMER, filter, { first, after }, toChargebeeCustomer, (query, f, knex) => {
      whereEmail(query, f.email);
      whereJsonField(knex, query, "company", f.company);
      whereJsonField(knex, query, "business_entity_id", f.businessEntityId);
    });
  }

  @Query(() => ChargebeeCustomer, { nullable: true, description: "One Chargebee customer by id (null when unknown)." })
  chargebeeCustomer(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    return loadRecord(ctx, "chargebee", CUSTOMER, id, toChargebeeCustomer);
  }

  @FieldResolver(() => [ChargebeeOrder], { description: "The customer's orders (not deleted), in id order." })
  async orders(@Root() customer: ChargebeeCustomer, @Ctx() ctx: SubgraphContext) {
    return (await ctx.datasets.byField("chargebee", ORDER, "customer_id").load(customer.id)).map(toChargebeeOrder);
  }

  @FieldResolver(() => [ChargebeeInvoice], { description: "The customer's invoices (not deleted), in id order." })
  async invoices(@Root() customer: ChargebeeCustomer, @Ctx() ctx: SubgraphContext) {
    return (await ctx.datasets.byField("chargebee", INVOICE, "customer_id").load(customer.id)).map(toChargebeeInvoice);
  }

  @FieldResolver(() => ChargebeeBusinessEntity, { nullable: true })
  businessEntity(@Root() customer: ChargebeeCustomer, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "chargebee", BUSINESS_ENTITY, customer.businessEntityId, toChargebeeBusinessEntity);
  }
}
