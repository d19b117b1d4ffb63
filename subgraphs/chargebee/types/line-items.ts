import "reflect-metadata";
import { Field, Float, ID, Int, ObjectType, GraphQLISODateTime } from "type-graphql";
import { epochSeconds, id, int, num, str, type Json } from "../../shared/json-fields.js";
import { MONEY_NOTE, Money } from "./money.js";

@ObjectType({ description: "A line item of a Chargebee order (derived from its invoice's lines). " + MONEY_NOTE })
export class ChargebeeOrderLineItem {
  @Field(() => ID, { nullable: true }) id!: string | null;
  @Field(() => ID, { nullable: true }) invoiceId!: string | null;
  @Field(() => ID, { nullable: true }) invoiceLineItemId!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true }) sku!: string | null;
  @Field(() => Money, { nullable: true }) unitPrice!: number | null;
  @Field(() => Int, { nullable: true, description: "Chargebee's order lines carry fulfillment_quantity (no quantity)." }) quantity!: number | null;
  @Field(() => Money, { nullable: true }) amount!: number | null;
  @Field(() => Money, { nullable: true }) taxAmount!: number | null;
  @Field(() => Money, { nullable: true }) discountAmount!: number | null;
  @Field(() => String, { nullable: true }) status!: string | null;
  @Field(() => String, { nullable: true, description: "plan_item_price, addon_item_price, charge_item_price, adhoc…" }) entityType!: string | null;
  @Field(() => ID, { nullable: true, description: "The item price id for *_item_price entity types." }) entityId!: string | null;
}

@ObjectType({ description: "A line item of a Chargebee invoice. " + MONEY_NOTE })
export class ChargebeeInvoiceLineItem {
  @Field(() => ID, { nullable: true }) id!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => Money, { nullable: true }) unitAmount!: number | null;
  @Field(() => Float, { nullable: true }) quantity!: number | null;
  @Field(() => Money, { nullable: true }) amount!: number | null;
  @Field(() => Money, { nullable: true }) taxAmount!: number | null;
  @Field(() => Float, { nullable: true, description: "Percent, as Chargebee sends it." }) taxRate!: number | null;
  @Field(() => Money, { nullable: true }) discountAmount!: number | null;
  @Field(() => String, { nullable: true }) entityType!: string | null;
  @Field(() => ID, { nullable: true }) entityId!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) dateFrom!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) dateTo!: Date | null;
}

export function toOrderLineItem(data: Json): ChargebeeOrderLineItem {
  return {
    id: id(data, "id"),
    invoiceId: id(data, "invoice_id"),
    invoiceLineItemId: id(data, "invoice_line_item_id"),
    description: str(data, "description"),
    sku: str(data, "sku"),
    unitPrice: int(data, "unit_price"),
    quantity: int(data, "fulfillment_quantity") ?? int(data, "quantity"),
    amount: int(data, "amount"),
    taxAmount: int(data, "tax_amount"),
    discountAmount: int(data, "discount_amount"),
    status: str(data, "status"),
    entityType: str(data, "entity_type"),
    entityId: id(data, "entity_id"),
  };
}

export function toInvoiceLineItem(data: Json): ChargebeeInvoiceLineItem {
  return {
    id: id(data, "id"),
    description: str(data, "description"),
    unitAmount: int(data, "unit_amount"),
    quantity: num(data, "quantity"),
    amount: int(data, "amount"),
    taxAmount: int(data, "tax_amount"),
    taxRate: num(data, "tax_rate"),
    discountAmount: int(data, "discount_amount"),
    entityType: str(data, "entity_type"),
    entityId: id(data, "entity_id"),
    dateFrom: epochSeconds(data, "date_from"),
    dateTo: epochSeconds(data, "date_to"),
  };
}
