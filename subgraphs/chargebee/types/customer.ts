import "reflect-metadata";
import { Directive, Field, ID, Int, ObjectType, GraphQLISODateTime } from "type-graphql";
import { GraphQLSafeInt } from "graphql-scalars";
import type { DatasetRecordRow } from "../../shared/dataset-entity.js";
import { ChargebeeDatasetEntity } from "./chargebee-entity.js";
import { epochSeconds, id, int, obj, str } from "../../shared/json-fields.js";
import { ChargebeeAddress, toChargebeeAddress } from "./address.js";
import { MONEY_NOTE, Money } from "./money.js";

@ObjectType({ description: "A Chargebee customer." })
@Directive(`@key(fields: "id")`)
export class ChargebeeCustomer extends ChargebeeDatasetEntity {
  @Field(() => String, { nullable: true })
  get firstName(): string | null {
    return str(this.row.data, "first_name");
  }

  @Field(() => String, { nullable: true })
  get lastName(): string | null {
    return str(this.row.data, "last_name");
  }

  @Field(() => String, { nullable: true, description: "Company, or first and last name." })
  get name(): string | null {
    const personal = [this.firstName, this.lastName].filter(Boolean).join(" ");
    return this.company ?? (personal === "" ? null : personal);
  }

  @Field(() => String, { nullable: true })
  get email(): string | null {
    return str(this.row.data, "email");
  }

  @Field(() => String, { nullable: true })
  get phone(): string | null {
    return str(this.row.data, "phone");
  }

  @Field(() => String, { nullable: true })
  get company(): string | null {
    return str(this.row.data, "company");
  }

  @Field(() => String, { nullable: true })
  get vatNumber(): string | null {
    return str(this.row.data, "vat_number");
  }

  @Field(() => String, { nullable: true, description: "on or off." })
  get autoCollection(): string | null {
    return str(this.row.data, "auto_collection");
  }

  @Field(() => Int, { nullable: true })
  get netTermDays(): number | null {
    return int(this.row.data, "net_term_days");
  }

  @Field(() => String, { nullable: true, description: "taxable or exempt." })
  get taxability(): string | null {
    return str(this.row.data, "taxability");
  }

  @Field(() => String, { nullable: true })
  get customerType(): string | null {
    return str(this.row.data, "customer_type");
  }

  @Field(() => String, { nullable: true })
  get locale(): string | null {
    return str(this.row.data, "locale");
  }

  @Field(() => String, { nullable: true, description: "ISO 4217." })
  get preferredCurrencyCode(): string | null {
    return str(this.row.data, "preferred_currency_code");
  }

  @Field(() => ChargebeeAddress, { nullable: true })
  get billingAddress(): ChargebeeAddress | null {
    return toChargebeeAddress(obj(this.row.data, "billing_address"));
  }

  @Field(() => ID, { nullable: true })
  get businessEntityId(): string | null {
    return id(this.row.data, "business_entity_id");
  }

  @Field(() => Money, { nullable: true, description: MONEY_NOTE })
  get promotionalCredits(): number | null {
    return int(this.row.data, "promotional_credits");
  }

  @Field(() => Money, { nullable: true, description: MONEY_NOTE })
  get refundableCredits(): number | null {
    return int(this.row.data, "refundable_credits");
  }

  @Field(() => Money, { nullable: true, description: MONEY_NOTE })
  get excessPayments(): number | null {
    return int(this.row.data, "excess_payments");
  }

  @Field(() => Money, { nullable: true, description: MONEY_NOTE })
  get unbilledCharges(): number | null {
    return int(this.row.data, "unbilled_charges");
  }

  @Field(() => GraphQLSafeInt, { nullable: true })
  get resourceVersion(): number | null {
    return int(this.row.data, "resource_version");
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

export const CUSTOMER = "customer";

export const toChargebeeCustomer = (row: DatasetRecordRow) => new ChargebeeCustomer(row);
