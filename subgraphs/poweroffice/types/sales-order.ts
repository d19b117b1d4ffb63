import "reflect-metadata";
import { Directive, Field, Float, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import { GraphQLSafeInt } from "graphql-scalars";
import type { DatasetRecordRow } from "../../shared/dataset-entity.js";
import { PowerOfficeDatasetEntity } from "./poweroffice-entity.js";
import { id, int, isoDate, list, num, str, type Json } from "../../shared/json-fields.js";

@ObjectType({ description: "A PowerOffice sales order: an invoice draft, Draft or Confirmed (SalesOrders)." })
@Directive(`@key(fields: "id")`)
export class PowerOfficeSalesOrder extends PowerOfficeDatasetEntity {
  @Field(() => GraphQLSafeInt, { nullable: true })
  get salesOrderNo(): number | null {
    return int(this.row.data, "SalesOrderNo") ?? int(this.row.data, "OrderNo");
  }

  @Field(() => String, { nullable: true, description: "YYYY-MM-DD." })
  get salesOrderDate(): string | null {
    return str(this.row.data, "SalesOrderDate") ?? str(this.row.data, "OrderDate");
  }

  @Field(() => String, { nullable: true, description: "Draft or Confirmed." })
  get salesOrderStatus(): string | null {
    return str(this.row.data, "SalesOrderStatus") ?? str(this.row.data, "OrderStatus");
  }

  @Field(() => ID, { nullable: true })
  get customerId(): string | null {
    return id(this.row.data, "CustomerId");
  }

  @Field(() => GraphQLSafeInt, { nullable: true })
  get customerNo(): number | null {
    return int(this.row.data, "CustomerNo");
  }

  @Field(() => ID, { nullable: true })
  get customerReferenceContactPersonId(): string | null {
    return id(this.row.data, "CustomerReferenceContactPersonId");
  }

  @Field(() => String, { nullable: true, description: "Your reference (free text)." })
  get customerReference(): string | null {
    return str(this.row.data, "CustomerReference");
  }

  @Field(() => String, { nullable: true, description: "ISO 4217." })
  get currencyCode(): string | null {
    return str(this.row.data, "CurrencyCode");
  }

  @Field(() => String, { nullable: true, description: "YYYY-MM-DD." })
  get deliveryDate(): string | null {
    return str(this.row.data, "DeliveryDate");
  }

  @Field(() => String, { nullable: true })
  get purchaseOrderReference(): string | null {
    return str(this.row.data, "PurchaseOrderReference");
  }

  @Field(() => String, { nullable: true })
  get externalImportReference(): string | null {
    return str(this.row.data, "ExternalImportReference");
  }

  @Field(() => ID, { nullable: true })
  get departmentId(): string | null {
    return id(this.row.data, "DepartmentId");
  }

  @Field(() => Float, { nullable: true, description: "Net amount in the order currency." })
  get netAmount(): number | null {
    return num(this.row.data, "NetAmount");
  }

  @Field(() => Float, { nullable: true, description: "Total amount in the order currency." })
  get totalAmount(): number | null {
    return num(this.row.data, "TotalAmount");
  }

  @Field(() => GraphQLSafeInt, { nullable: true })
  get lineCount(): number | null {
    return int(this.row.data, "LineCount");
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get createdAt(): Date | null {
    return isoDate(this.row.data, "CreatedDateTimeOffset");
  }

  /** Lines embedded in the order payload (SalesOrderCompleteDto), used when no line records were stored. */
  get embeddedLines(): Json[] {
    return list(this.row.data, "SalesOrderLines");
  }
}

export const SALES_ORDER = "SalesOrder";

export const toPowerOfficeSalesOrder = (row: DatasetRecordRow) => new PowerOfficeSalesOrder(row);
