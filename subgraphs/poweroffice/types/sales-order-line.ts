import "reflect-metadata";
import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";
import type { DatasetRow } from "../../../src/datasets/types.js";
import { DatasetEntity, datasetFields } from "../../shared/dataset-entity.js";
import { id, int, num, str, type Json } from "../../shared/json-fields.js";

@ObjectType({ description: "A line of a PowerOffice sales order (SalesOrders/{id}/Lines). Amounts in the order currency." })
@Directive(`@key(fields: "id")`)
export class PowerOfficeSalesOrderLine extends DatasetEntity {
  @Field(() => ID, { nullable: true }) salesOrderId!: string | null;
  @Field(() => String, { nullable: true, description: "Normal, Text, Summary, InvoiceFee or TotalHours." }) lineType!: string | null;
  @Field(() => ID, { nullable: true }) productId!: string | null;
  @Field(() => String, { nullable: true }) productCode!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => Float, { nullable: true }) quantity!: number | null;
  @Field(() => Float, { nullable: true, description: "Unit price." }) productUnitPrice!: number | null;
  @Field(() => Float, { nullable: true }) productUnitCost!: number | null;
  @Field(() => Float, { nullable: true, description: "Discount in percent." }) allowance!: number | null;
  @Field(() => String, { nullable: true }) unitOfMeasureCode!: string | null;
  @Field(() => Int, { nullable: true }) sortOrder!: number | null;
  @Field(() => String, { nullable: true }) vatCode!: string | null;
  @Field(() => Float, { nullable: true, description: "VAT rate, 0..1 (derived by PowerOffice from the sales account)." }) vatRate!: number | null;
  @Field(() => Float, { nullable: true }) netAmount!: number | null;
  @Field(() => Float, { nullable: true }) vatAmount!: number | null;
  @Field(() => Float, { nullable: true }) totalAmount!: number | null;
}

export const SALES_ORDER_LINE = "SalesOrderLine";

export function lineFields(data: Json): Omit<PowerOfficeSalesOrderLine, keyof DatasetEntity> {
  return {
    salesOrderId: id(data, "SalesOrderId"),
    lineType: str(data, "LineType"),
    productId: id(data, "ProductId"),
    productCode: str(data, "ProductCode"),
    description: str(data, "Description"),
    quantity: num(data, "Quantity"),
    productUnitPrice: num(data, "ProductUnitPrice"),
    productUnitCost: num(data, "ProductUnitCost"),
    allowance: num(data, "Allowance"),
    unitOfMeasureCode: str(data, "UnitOfMeasureCode"),
    sortOrder: int(data, "SortOrder"),
    vatCode: str(data, "VatCode"),
    vatRate: num(data, "VatRate"),
    netAmount: num(data, "NetAmount"),
    vatAmount: num(data, "VatAmount"),
    totalAmount: num(data, "TotalAmount"),
  };
}

export function toPowerOfficeSalesOrderLine(row: DatasetRow): PowerOfficeSalesOrderLine {
  const fields = lineFields(row.data);
  return { ...datasetFields(row), ...fields, salesOrderId: fields.salesOrderId ?? row.parent_id };
}
