import "reflect-metadata";
import { Directive, Field, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import type { DatasetRow } from "../../../src/datasets/types.js";
import { DatasetEntity, datasetFields } from "../../shared/dataset-entity.js";
import { epochSeconds, id, int, list, str } from "../../shared/json-fields.js";
import { ChargebeeInvoiceLineItem, toInvoiceLineItem } from "./line-items.js";
import { MONEY_NOTE, Money } from "./money.js";

@ObjectType({ description: "A Chargebee invoice." })
@Directive(`@key(fields: "id")`)
export class ChargebeeInvoice extends DatasetEntity {
  @Field(() => ID, { nullable: true }) customerId!: string | null;
  @Field(() => String, { nullable: true, description: "paid, posted, payment_due, not_paid, voided or pending." }) status!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) date!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) dueDate!: Date | null;
  @Field(() => String, { nullable: true, description: "ISO 4217." }) currencyCode!: string | null;
  @Field(() => String, { nullable: true }) priceType!: string | null;
  @Field(() => Money, { nullable: true, description: MONEY_NOTE }) subTotal!: number | null;
  @Field(() => Money, { nullable: true, description: MONEY_NOTE }) tax!: number | null;
  @Field(() => Money, { nullable: true, description: MONEY_NOTE }) total!: number | null;
  @Field(() => Money, { nullable: true, description: MONEY_NOTE }) amountPaid!: number | null;
  @Field(() => Money, { nullable: true, description: MONEY_NOTE }) amountDue!: number | null;
  @Field(() => ID, { nullable: true }) businessEntityId!: string | null;
  @Field(() => [ChargebeeInvoiceLineItem]) lineItems!: ChargebeeInvoiceLineItem[];
  @Field(() => GraphQLISODateTime, { nullable: true }) updatedAt!: Date | null;
}

export const INVOICE = "invoice";

export function toChargebeeInvoice(row: DatasetRow): ChargebeeInvoice {
  const data = row.data;
  return {
    ...datasetFields(row, epochSeconds(data, "updated_at")),
    deleted: row.deleted || data.deleted === true,
    customerId: id(data, "customer_id"),
    status: str(data, "status"),
    date: epochSeconds(data, "date"),
    dueDate: epochSeconds(data, "due_date"),
    currencyCode: str(data, "currency_code"),
    priceType: str(data, "price_type"),
    subTotal: int(data, "sub_total"),
    tax: int(data, "tax"),
    total: int(data, "total"),
    amountPaid: int(data, "amount_paid"),
    amountDue: int(data, "amount_due"),
    businessEntityId: id(data, "business_entity_id"),
    lineItems: list(data, "line_items").map(toInvoiceLineItem),
    updatedAt: epochSeconds(data, "updated_at"),
  };
}
