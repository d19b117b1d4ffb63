import "reflect-metadata";
import { Field, ObjectType } from "type-graphql";
import { str, type Json } from "../../shared/json-fields.js";

@ObjectType({ description: "A PowerOffice mail address (MailAddress)." })
export class PowerOfficeAddress {
  @Field(() => String, { nullable: true }) addressLine1!: string | null;
  @Field(() => String, { nullable: true }) addressLine2!: string | null;
  @Field(() => String, { nullable: true }) zipCode!: string | null;
  @Field(() => String, { nullable: true }) city!: string | null;
  @Field(() => String, { nullable: true, description: "ISO 3166 alpha-2." }) countryCode!: string | null;
}

export function toPowerOfficeAddress(data: Json | null): PowerOfficeAddress | null {
  if (!data) return null;
  return {
    addressLine1: str(data, "AddressLine1"),
    addressLine2: str(data, "AddressLine2"),
    zipCode: str(data, "ZipCode"),
    city: str(data, "City"),
    countryCode: str(data, "CountryCode"),
  };
}
