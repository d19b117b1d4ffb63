import "reflect-metadata";
import { Directive, Field, ID, Int, ObjectType, GraphQLISODateTime } from "type-graphql";
import { GraphQLSafeInt } from "graphql-scalars";
import type { DatasetRow } from "../../../src/datasets/types.js";
import { DatasetEntity, datasetFields } from "../../shared/dataset-entity.js";
import { epochSeconds, id, int, obj, str } from "../../shared/json-fields.js";
import { ChargebeeAddress, toChargebeeAddress } from "./address.js";
import { MONEY_NOTE, Money } from "./money.js";

@ObjectType({ description: "A Chargebee customer." })
@Directive(`@key(fields: "id")`)
export class ChargebeeCustomer extends DatasetEntity {
  @Field(() => String, { nullable: true }) firstName!: string | null;
  @Field(() => String, { nullable: true }) lastName!: string | null;
  @Field(() => String, { nullable: true, description: "Company, or first and last name." }) name!: string | null;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, { nullable: true }) phone!: string | null;
  @Field(() => String, { nullable: true }) company!: string | null;
  @Field(() => String, { nullable: true }) vatNumber!: string | null;
  @Field(() => String, { nullable: true, description: "on or off." }) autoCollection!: string | null;
  @Field(() => Int, { nullable: true }) netTermDays!: number | null;
  @Field(() => String, { nullable: true, description: "taxable or exempt." }) taxability!: string | null;
  @Field(() => String, { nullable: true }) customerType!: string | null;
  @Field(() => String, { nullable: true }) locale!: string | null;
  @Field(() => String, { nullable: true, description: "ISO 4217." }) preferredCurrencyCode!: string | null;
  @Field(() => ChargebeeAddress, { nullable: true }) billingAddress!: ChargebeeAddress | null;
  @Field(() => ID, { nullable: true }) businessEntityId!: string | null;
  @Field(() => Money, { nullable: true, description: MONEY_NOTE }) promotionalCredits!: number | null;
  @Field(() => Money, { nullable: true, description: MONEY_NOTE }) refundableCredits!: number | null;
  @Field(() => Money, { nullable: true, description: MONEY_NOTE }) excessPayments!: number | null;
  @Field(() => Money, { nullable: true, description: MONEY_NOTE }) unbilledCharges!: number | null;
  @Field(() => GraphQLSafeInt, { nullable: true }) resourceVersion!: number | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) createdAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) updatedAt!: Date | null;
}

export const CUSTOMER = "customer";

export function toChargebeeCustomer(row: DatasetRow): ChargebeeCustomer {
  const data = row.data;
  const firstName = str(data, "first_name");
  const lastName = str(data, "last_name");
  const company = str(data, "company");
  const personal = [firstName, lastName].filter(Boolean).join(" ");
  return {
    ...datasetFields(row, epochSeconds(data, "updated_at")),
    deleted: row.deleted || data.deleted === true,
    firstName,
    lastName,
    name: company ?? (personal === "" ? null : personal),
    email: str(data, "email"),
    phone: str(data, "phone"),
    company,
    vatNumber: str(data, "vat_number"),
    autoCollection: str(data, "auto_collection"),
    netTermDays: int(data, "net_term_days"),
    taxability: str(data, "taxability"),
    customerType: str(data, "customer_type"),
    locale: str(data, "locale"),
    preferredCurrencyCode: str(data, "preferred_currency_code"),
    billingAddress: toChargebeeAddress(obj(data, "billing_address")),
    businessEntityId: id(data, "business_entity_id"),
    promotionalCredits: int(data, "promotional_credits"),
    refundableCredits: int(data, "refundable_credits"),
    excessPayments: int(data, "excess_payments"),
    unbilledCharges: int(data, "unbilled_charges"),
    resourceVersion: int(data, "resource_version"),
    createdAt: epochSeconds(data, "created_at"),
    updatedAt: epochSeconds(data, "updated_at"),
  };
}
