import "reflect-metadata";
import { Directive, Field, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import type { DatasetRecordRow } from "../../shared/dataset-entity.js";
import { ChargebeeDatasetEntity } from "./chargebee-entity.js";
import { epochSeconds, id, int, list, str } from "../../shared/json-fields.js";
import { ChargebeeOrderLineItem, toOrderLineItem } from "./line-items.js";
import { MONEY_NOTE, Money } from "./money.js";

@ObjectType({ description: "A Chargebee order. Every order belongs to an invoice; its line items come from the invoice's lines." })
@Directive(`@key(fields: "id")`)
export class ChargebeeOrder extends ChargebeeDatasetEntity {
  @Field(() => String, { nullable: true })
  get documentNumber(): string | null {
    return str(this.row.data, "document_number");
  }

  @Field(() => ID, { nullable: true })
  get invoiceId(): string | null {
    return id(this.row.data, "invoice_id");
  }

  @Field(() => ID, { nullable: true })
  get subscriptionId(): string | null {
    return id(this.row.data, "subscription_id");
  }

  @Field(() => ID, { nullable: true })
  get customerId(): string | null {
    return id(this.row.data, "customer_id");
  }

  @Field(() => String, { nullable: true })
  get status(): string | null {
    return str(this.row.data, "status");
  }

  @Field(() => String, { nullable: true, description: "manual or system_generated." })
  get orderType(): string | null {
    return str(this.row.data, "order_type");
  }

  @Field(() => String, { nullable: true, description: "tax_exclusive or tax_inclusive." })
  get priceType(): string | null {
    return str(this.row.data, "price_type");
  }

  @Field(() => String, { nullable: true, description: "not_paid or paid." })
  get paymentStatus(): string | null {
    return str(this.row.data, "payment_status");
  }

  @Field(() => String, { nullable: true, description: "ISO 4217." })
  get currencyCode(): string | null {
    return str(this.row.data, "currency_code");
  }

  @Field(() => Money, { nullable: true, description: MONEY_NOTE })
  get subTotal(): number | null {
    return int(this.row.data, "sub_total");
  }

  @Field(() => Money, { nullable: true, description: MONEY_NOTE })
  get discount(): number | null {
    return int(this.row.data, "discount");
  }

  @Field(() => Money, { nullable: true, description: MONEY_NOTE })
  get tax(): number | null {
    return int(this.row.data, "tax");
  }

  @Field(() => Money, { nullable: true, description: MONEY_NOTE })
  get total(): number | null {
    return int(this.row.data, "total");
  }

  @Field(() => Money, { nullable: true, description: MONEY_NOTE })
  get amountPaid(): number | null {
    return int(this.row.data, "amount_paid");
  }

  @Field(() => ID, { nullable: true })
  get businessEntityId(): string | null {
    return id(this.row.data, "business_entity_id");
  }

  @Field(() => [ChargebeeOrderLineItem])
  get lineItems(): ChargebeeOrderLineItem[] {
    return list(this.row.data, "order_line_items").map(toOrderLineItem);
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get orderDate(): Date | null {
    return epochSeconds(this.row.data, "order_date");
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get paidOn(): Date | null {
    return epochSeconds(this.row.data, "paid_on");
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get createdAt(): Date | null {
    return epochSeconds(this.row.data, "created_at");
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get updatedAt(): Date | null {
    return epochSeconds(this.row.data, "updated_at");
  }
}

export const ORDER = "order";

export const toChargebeeOrder = (row: DatasetRecordRow) => new ChargebeeOrder(row);
