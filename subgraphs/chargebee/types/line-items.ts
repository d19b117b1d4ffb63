import "reflect-metadata";
import { Field, Float, ID, Int, ObjectType, GraphQLISODateTime } from "type-graphql";
import { epochSeconds, id, int, num, str, type Json } from "../../shared/json-fields.js";
import { MONEY_NOTE, Money } from "./money.js";

/* Line items read their fields from the JSON in getters, as the record types do: a list asks for a few of them. */

@ObjectType({ description: "A line item of a Chargebee order (derived from its invoice's lines). " + MONEY_NOTE })
export class ChargebeeOrderLineItem {
  constructor(private readonly data: Json) {}

  @Field(() => ID, { nullable: true })
  get id(): string | null {
    return id(this.data, "id");
  }

  @Field(() => ID, { nullable: true })
  get invoiceId(): string | null {
    return id(this.data, "invoice_id");
  }

  @Field(() => ID, { nullable: true })
  get invoiceLineItemId(): string | null {
    return id(this.data, "invoice_line_item_id");
  }

  @Field(() => String, { nullable: true })
  get description(): string | null {
    return str(this.data, "description");
  }

  @Field(() => String, { nullable: true })
  get sku(): string | null {
    return str(this.data, "sku");
  }

  @Field(() => Money, { nullable: true })
  get unitPrice(): number | null {
    return int(this.data, "unit_price");
  }

  @Field(() => Int, { nullable: true, description: "Chargebee's order lines carry fulfillment_quantity (no quantity)." })
  get quantity(): number | null {
    return int(this.data, "fulfillment_quantity") ?? int(this.data, "quantity");
  }

  @Field(() => Money, { nullable: true })
  get amount(): number | null {
    return int(this.data, "amount");
  }

  @Field(() => Money, { nullable: true })
  get taxAmount(): number | null {
    return int(this.data, "tax_amount");
  }

  @Field(() => Money, { nullable: true })
  get discountAmount(): number | null {
    return int(this.data, "discount_amount");
  }

  @Field(() => String, { nullable: true })
  get status(): string | null {
    return str(this.data, "status");
  }

  @Field(() => String, { nullable: true, description: "plan_item_price, addon_item_price, charge_item_price, adhoc…" })
  get entityType(): string | null {
    return str(this.data, "entity_type");
  }

  @Field(() => ID, { nullable: true, description: "The item price id for *_item_price entity types." })
  get entityId(): string | null {
    return id(this.data, "entity_id");
  }
}

@ObjectType({ description: "A line item of a Chargebee invoice. " + MONEY_NOTE })
export class ChargebeeInvoiceLineItem {
  constructor(private readonly data: Json) {}

  @Field(() => ID, { nullable: true })
  get id(): string | null {
    return id(this.data, "id");
  }

  @Field(() => String, { nullable: true })
  get description(): string | null {
    return str(this.data, "description");
  }

  @Field(() => Money, { nullable: true })
  get unitAmount(): number | null {
    return int(this.data, "unit_amount");
  }

  @Field(() => Float, { nullable: true })
  get quantity(): number | null {
    return num(this.data, "quantity");
  }

  @Field(() => Money, { nullable: true })
  get amount(): number | null {
    return int(this.data, "amount");
  }

  @Field(() => Money, { nullable: true })
  get taxAmount(): number | null {
    return int(this.data, "tax_amount");
  }

  @Field(() => Float, { nullable: true, description: "Percent, as Chargebee sends it." })
  get taxRate(): number | null {
    return num(this.data, "tax_rate");
  }

  @Field(() => Money, { nullable: true })
  get discountAmount(): number | null {
    return int(this.data, "discount_amount");
  }

  @Field(() => String, { nullable: true })
  get entityType(): string | null {
    return str(this.data, "entity_type");
  }

  @Field(() => ID, { nullable: true })
  get entityId(): string | null {
    return id(this.data, "entity_id");
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get dateFrom(): Date | null {
    return epochSeconds(this.data, "date_from");
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get dateTo(): Date | null {
    return epochSeconds(this.data, "date_to");
  }
}

export const toOrderLineItem = (data: Json) => new ChargebeeOrderLineItem(data);

export const toInvoiceLineItem = (data: Json) => new ChargebeeInvoiceLineItem(data);
