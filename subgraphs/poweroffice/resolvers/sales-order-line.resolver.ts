import "reflect-metadata";
import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { loadRecord } from "../../shared/dataset-resolvers.js";
import { PRODUCT, PowerOfficeProduct, toPowerOfficeProduct } from "../types/product.js";
import { PowerOfficeSalesOrder, SALES_ORDER, toPowerOfficeSalesOrder } from "../types/sales-order.js";
import { PowerOfficeSalesOrderLine, SALES_ORDER_LINE, toPowerOfficeSalesOrderLine } from "../types/sales-order-line.js";

@Resolver(() => PowerOfficeSalesOrderLine)
export class PowerOfficeSalesOrderLineResolver {
  @Query(() => PowerOfficeSalesOrderLine, { nullable: true, description: "One PowerOffice sales order line by id (null when unknown)." })
  powerofficeSalesOrderLine(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    return loadRecord(ctx, "poweroffice", SALES_ORDER_LINE, id, toPowerOfficeSalesOrderLine);
  }

  @FieldResolver(() => PowerOfficeProduct, { nullable: true })
  product(@Root() line: PowerOfficeSalesOrderLine, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "poweroffice", PRODUCT, line.productId, toPowerOfficeProduct);
  }

  @FieldResolver(() => PowerOfficeSalesOrder, { nullable: true })
  salesOrder(@Root() line: PowerOfficeSalesOrderLine, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "poweroffice", SALES_ORDER, line.salesOrderId, toPowerOfficeSalesOrder);
  }
}
