import "reflect-metadata";
import { Directive, Field, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import type { DatasetRow } from "../../../src/datasets/types.js";
import { DatasetEntity, datasetFields } from "../../shared/dataset-entity.js";
import { epochSeconds, id, int, list, str } from "../../shared/json-fields.js";
import { ChargebeeOrderLineItem, toOrderLineItem } from "./line-items.js";
import { MONEY_NOTE, Money } from "./money.js";

@ObjectType({ description: "A Chargebee order. Every order belongs to an invoice; its line items come from the invoice's lines." })
@Directive(`@key(fields: "id")`)
export class ChargebeeOrder extends DatasetEntity {
  @Field(() => String, { nullable: true }) documentNumber!: string | null;
  @Field(() => ID, { nullable: true }) invoiceId!: string | null;
  @Field(() => ID, { nullable: true }) subscriptionId!: string | null;
  @Field(() => ID, { nullable: true }) customerId!: string | null;
  @Field(() => String, { nullable: true }) status!: string | null;
  @Field(() => String, { nullable: true, description: "manual or system_generated." }) orderType!: string | null;
  @Field(() => String, { nullable: true, description: "tax_exclusive or tax_inclusive." }) priceType!: string | null;
  @Field(() => String, { nullable: true, description: "not_paid or paid." }) paymentStatus!: string | null;
  @Field(() => String, { nullable: true, description: "ISO 4217." }) currencyCode!: string | null;
  @Field(() => Money, { nullable: true, description: MONEY_NOTE }) subTotal!: number | null;
  @Field(() => Money, { nullable: true, description: MONEY_NOTE }) discount!: number | null;
  @Field(() => Money, { nullable: true, description: MONEY_NOTE }) tax!: number | null;
  @Field(() => Money, { nullable: true, description: MONEY_NOTE }) total!: number | null;
  @Field(() => Money, { nullable: true, description: MONEY_NOTE }) amountPaid!: number | null;
  @Field(() => ID, { nullable: true }) businessEntityId!: string | null;
  @Field(() => [ChargebeeOrderLineItem]) lineItems!: ChargebeeOrderLineItem[];
  @Field(() => GraphQLISODateTime, { nullable: true }) orderDate!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) paidOn!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) createdAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) updatedAt!: Date | null;
}

export const ORDER = "order";

export function toChargebeeOrder(row: DatasetRow): ChargebeeOrder {
  const data = row.data;
  return {
    ...datasetFields(row, epochSeconds(data, "updated_at")),
    deleted: row.deleted || data.deleted === true,
    documentNumber: str(data, "document_number"),
    invoiceId: id(data, "invoice_id"),
    subscriptionId: id(data, "subscription_id"),
    customerId: id(data, "customer_id"),
    status: str(data, "status"),
    orderType: str(data, "order_type"),
    priceType: str(data, "price_type"),
    paymentStatus: str(data, "payment_status"),
    currencyCode: str(data, "currency_code"),
    subTotal: int(data, "sub_total"),
    discount: int(data, "discount"),
    tax: int(data, "tax"),
    total: int(data, "total"),
    amountPaid: int(data, "amount_paid"),
    businessEntityId: id(data, "business_entity_id"),
    lineItems: list(data, "order_line_items").map(toOrderLineItem),
    orderDate: epochSeconds(data, "order_date"),
    paidOn: epochSeconds(data, "paid_on"),
    createdAt: epochSeconds(data, "created_at"),
    updatedAt: epochSeconds(data, "updated_at"),
  };
}
