import "reflect-metadata";
import { Directive, Field, Float, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import { GraphQLSafeInt } from "graphql-scalars";
import type { DatasetRow } from "../../../src/datasets/types.js";
import { DatasetEntity, datasetFields } from "../../shared/dataset-entity.js";
import { id, int, isoDate, list, num, str, type Json } from "../../shared/json-fields.js";

@ObjectType({ description: "A PowerOffice sales order: an invoice draft, Draft or Confirmed (SalesOrders)." })
@Directive(`@key(fields: "id")`)
export class PowerOfficeSalesOrder extends DatasetEntity {
  @Field(() => GraphQLSafeInt, { nullable: true }) salesOrderNo!: number | null;
  @Field(() => String, { nullable: true, description: "YYYY-MM-DD." }) salesOrderDate!: string | null;
  @Field(() => String, { nullable: true, description: "Draft or Confirmed." }) salesOrderStatus!: string | null;
  @Field(() => ID, { nullable: true }) customerId!: string | null;
  @Field(() => GraphQLSafeInt, { nullable: true }) customerNo!: number | null;
  @Field(() => ID, { nullable: true }) customerReferenceContactPersonId!: string | null;
  @Field(() => String, { nullable: true, description: "Your reference (free text)." }) customerReference!: string | null;
  @Field(() => String, { nullable: true, description: "ISO 4217." }) currencyCode!: string | null;
  @Field(() => String, { nullable: true, description: "YYYY-MM-DD." }) deliveryDate!: string | null;
  @Field(() => String, { nullable: true }) purchaseOrderReference!: string | null;
  @Field(() => String, { nullable: true }) externalImportReference!: string | null;
  @Field(() => ID, { nullable: true }) departmentId!: string | null;
  @Field(() => Float, { nullable: true, description: "Net amount in the order currency." }) netAmount!: number | null;
  @Field(() => Float, { nullable: true, description: "Total amount in the order currency." }) totalAmount!: number | null;
  @Field(() => GraphQLSafeInt, { nullable: true }) lineCount!: number | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) createdAt!: Date | null;
  /** Lines embedded in the order payload (SalesOrderCompleteDto), used when no line records were stored. */
  embeddedLines!: Json[];
}

export const SALES_ORDER = "SalesOrder";

export function toPowerOfficeSalesOrder(row: DatasetRow): PowerOfficeSalesOrder {
  const data = row.data;
  return {
    ...datasetFields(row, isoDate(data, "LastChangedDateTimeOffset")),
    salesOrderNo: int(data, "SalesOrderNo") ?? int(data, "OrderNo"),
    salesOrderDate: str(data, "SalesOrderDate") ?? str(data, "OrderDate"),
    salesOrderStatus: str(data, "SalesOrderStatus") ?? str(data, "OrderStatus"),
    customerId: id(data, "CustomerId"),
    customerNo: int(data, "CustomerNo"),
    customerReferenceContactPersonId: id(data, "CustomerReferenceContactPersonId"),
    customerReference: str(data, "CustomerReference"),
    currencyCode: str(data, "CurrencyCode"),
    deliveryDate: str(data, "DeliveryDate"),
    purchaseOrderReference: str(data, "PurchaseOrderReference"),
    externalImportReference: str(data, "ExternalImportReference"),
    departmentId: id(data, "DepartmentId"),
    netAmount: num(data, "NetAmount"),
    totalAmount: num(data, "TotalAmount"),
    lineCount: int(data, "LineCount"),
    createdAt: isoDate(data, "CreatedDateTimeOffset"),
    embeddedLines: list(data, "SalesOrderLines"),
  };
}
