import "reflect-metadata";
import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";
import { DatasetEntity, type DatasetRecordRow } from "../../shared/dataset-entity.js";
import { id, int, num, str, type Json } from "../../shared/json-fields.js";

@ObjectType({ description: "A line of a PowerOffice sales order (SalesOrders/{id}/Lines). Amounts in the order currency." })
@Directive(`@key(fields: "id")`)
export class PowerOfficeSalesOrderLine extends DatasetEntity {
  @Field(() => ID, { nullable: true })
  get salesOrderId(): string | null {
    return id(this.row.data, "SalesOrderId") ?? this.row.parent_id;
  }

  @Field(() => String, { nullable: true, description: "Normal, Text, Summary, InvoiceFee or TotalHours." })
  get lineType(): string | null {
    return str(this.row.data, "LineType");
  }

  @Field(() => ID, { nullable: true })
  get productId(): string | null {
    return id(this.row.data, "ProductId");
  }

  @Field(() => String, { nullable: true })
  get productCode(): string | null {
    return str(this.row.data, "ProductCode");
  }

  @Field(() => String, { nullable: true })
  get description(): string | null {
    return str(this.row.data, "Description");
  }

  @Field(() => Float, { nullable: true })
  get quantity(): number | null {
    return num(this.row.data, "Quantity");
  }

  @Field(() => Float, { nullable: true, description: "Unit price." })
  get productUnitPrice(): number | null {
    return num(this.row.data, "ProductUnitPrice");
  }

  @Field(() => Float, { nullable: true })
  get productUnitCost(): number | null {
    return num(this.row.data, "ProductUnitCost");
  }

  @Field(() => Float, { nullable: true, description: "Discount in percent." })
  get allowance(): number | null {
    return num(this.row.data, "Allowance");
  }

  @Field(() => String, { nullable: true })
  get unitOfMeasureCode(): string | null {
    return str(this.row.data, "UnitOfMeasureCode");
  }

  @Field(() => Int, { nullable: true })
  get sortOrder(): number | null {
    return int(this.row.data, "SortOrder");
  }

  @Field(() => String, { nullable: true })
  get vatCode(): string | null {
    return str(this.row.data, "VatCode");
  }

  @Field(() => Float, { nullable: true, description: "VAT rate, 0..1 (derived by PowerOffice from the sales account)." })
  get vatRate(): number | null {
    return num(this.row.data, "VatRate");
  }

  @Field(() => Float, { nullable: true })
  get netAmount(): number | null {
    return num(this.row.data, "NetAmount");
  }

  @Field(() => Float, { nullable: true })
  get vatAmount(): number | null {
    return num(this.row.data, "VatAmount");
  }

  @Field(() => Float, { nullable: true })
  get totalAmount(): number | null {
    return num(this.row.data, "TotalAmount");
  }
}

export const SALES_ORDER_LINE = "SalesOrderLine";

export const toPowerOfficeSalesOrderLine = (row: DatasetRecordRow) => new PowerOfficeSalesOrderLine(row);

/**
 * A line embedded in its order's payload (no line record stored): its id is the payload's, the rest of the record
 * fields (order, deleted, change and read times) are the order's.
 */
export function embeddedSalesOrderLine(
  order: { id: string; deleted: boolean; lastChangedAt: Date | null; lastSeenAt: Date },
  data: Json,
): PowerOfficeSalesOrderLine {
  return new PowerOfficeSalesOrderLine({
    source_id: String(data.Id ?? data.id ?? ""),
    parent_id: order.id,
    deleted: order.deleted,
    source_changed_at: order.lastChangedAt,
    last_seen_at: order.lastSeenAt,
    data: { ...data, SalesOrderId: order.id },
  });
}
