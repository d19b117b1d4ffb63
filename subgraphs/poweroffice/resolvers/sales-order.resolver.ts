import "reflect-metadata";
import { whereJsonField } from "../../../src/datasets/record-queries.js";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { DatasetFilter } from "../../shared/dataset-entity.js";
import { listRecords, loadRecord } from "../../shared/dataset-resolvers.js";
import { connectionType } from "../../shared/pagination.js";
import { CONTACT_PERSON, PowerOfficeContactPerson, toPowerOfficeContactPerson } from "../types/contact-person.js";
import { CUSTOMER, PowerOfficeCustomer, toPowerOfficeCustomer } from "../types/customer.js";
import { DEPARTMENT, PowerOfficeDepartment, toPowerOfficeDepartment } from "../types/department.js";
import { PowerOfficeSalesOrder, SALES_ORDER, toPowerOfficeSalesOrder } from "../types/sales-order.js";
import { PowerOfficeSalesOrderLine, SALES_ORDER_LINE, embeddedSalesOrderLine, toPowerOfficeSalesOrderLine } from "../types/sales-order-line.js";

@InputType("PowerOfficeSalesOrderFilter")
export class PowerOfficeSalesOrderFilter extends DatasetFilter {
  @Field(() => ID, { nullable: true }) customerId?: string | null;
  @Field(() => String, { nullable: true, description: "Draft or Confirmed." }) salesOrderStatus?: string | null;
  @Field(() => String, { nullable: true }) currencyCode?: string | null;
}

export const PowerOfficeSalesOrderConnection = connectionType("PowerOfficeSalesOrder", PowerOfficeSalesOrder);

@Resolver(() => PowerOfficeSalesOrder)
export class PowerOfficeSalesOrderResolver {
  @Query(() => PowerOfficeSalesOrderConnection, { description: "PowerOffice sales orders, in id order." })
  powerofficeSalesOrders(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("filter", () => PowerOfficeSalesOrderFilter, { nullable: true }) filter?: PowerOfficeSalesOrderFilter,
  ) {
    return listRecords(ctx, "poweroffice", SALES_ORDER, filter, { first, after }, toPowerOfficeSalesOrder, (query, f, knex) => {
      whereJsonField(knex, query, "CustomerId", f.customerId);
      whereJsonField(knex, query, "SalesOrderStatus", f.salesOrderStatus);
      whereJsonField(knex, query, "CurrencyCode", f.currencyCode);
    });
  }

  @Query(() => PowerOfficeSalesOrder, { nullable: true, description: "One PowerOffice sales order by id (null when unknown)." })
  powerofficeSalesOrder(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    return loadRecord(ctx, "poweroffice", SALES_ORDER, id, toPowerOfficeSalesOrder);
  }

  @FieldResolver(() => PowerOfficeCustomer, { nullable: true })
  customer(@Root() order: PowerOfficeSalesOrder, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "poweroffice", CUSTOMER, order.customerId, toPowerOfficeCustomer);
  }

  @FieldResolver(() => PowerOfficeContactPerson, { nullable: true, description: "The buyer's reference contact person." })
  customerReferenceContactPerson(@Root() order: PowerOfficeSalesOrder, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "poweroffice", CONTACT_PERSON, order.customerReferenceContactPersonId, toPowerOfficeContactPerson);
  }

  @FieldResolver(() => PowerOfficeDepartment, { nullable: true })
  department(@Root() order: PowerOfficeSalesOrder, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "poweroffice", DEPARTMENT, order.departmentId, toPowerOfficeDepartment);
  }

  @FieldResolver(() => [PowerOfficeSalesOrderLine], { description: "The order's lines, in sort order." })
  async lines(@Root() order: PowerOfficeSalesOrder, @Ctx() ctx: SubgraphContext): Promise<PowerOfficeSalesOrderLine[]> {
    // The dataset writer always stores a line with parent_id = its order: the indexed column, not the JSON field.
    const rows = await ctx.datasets.byParent("poweroffice", SALES_ORDER_LINE).load(order.id);
    const lines = rows.length > 0 ? rows.map(toPowerOfficeSalesOrderLine) : order.embeddedLines.map((data) => embeddedSalesOrderLine(order, data));
    return lines.sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0));
  }
}
