import "reflect-metadata";
import { Directive, Field, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import type { DatasetRecordRow } from "../../shared/dataset-entity.js";
import { ChargebeeDatasetEntity } from "./chargebee-entity.js";
import { epochSeconds, id, int, list, str } from "../../shared/json-fields.js";
import { ChargebeeInvoiceLineItem, toInvoiceLineItem } from "./line-items.js";
import { MONEY_NOTE, Money } from "./money.js";

@ObjectType({ description: "A Chargebee invoice." })
@Directive(`@key(fields: "id")`)
export class ChargebeeInvoice extends ChargebeeDatasetEntity {
  @Field(() => ID, { nullable: true })
  get customerId(): string | null {
    return id(this.row.data, "customer_id");
  }

  @Field(() => String, { nullable: true, description: "paid, posted, payment_due, not_paid, voided or pending." })
  get status(): string | null {
    return str(this.row.data, "status");
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get date(): Date | null {
    return epochSeconds(this.row.data, "date");
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get dueDate(): Date | null {
    return epochSeconds(this.row.data, "due_date");
  }

  @Field(() => String, { nullable: true, description: "ISO 4217." })
  get currencyCode(): string | null {
    return str(this.row.data, "currency_code");
  }

  @Field(() => String, { nullable: true })
  get priceType(): string | null {
    return str(this.row.data, "price_type");
  }

  @Field(() => Money, { nullable: true, description: MONEY_NOTE })
  get subTotal(): number | null {
    return int(this.row.data, "sub_total");
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

  @Field(() => Money, { nullable: true, description: MONEY_NOTE })
  get amountDue(): number | null {
    return int(this.row.data, "amount_due");
  }

  @Field(() => ID, { nullable: true })
  get businessEntityId(): string | null {
    return id(this.row.data, "business_entity_id");
  }

  @Field(() => [ChargebeeInvoiceLineItem])
  get lineItems(): ChargebeeInvoiceLineItem[] {
    return list(this.row.data, "line_items").map(toInvoiceLineItem);
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get updatedAt(): Date | null {
    return epochSeconds(this.row.data, "updated_at");
  }
}

export const INVOICE = "invoice";

export const toChargebeeInvoice = (row: DatasetRecordRow) => new ChargebeeInvoice(row);
