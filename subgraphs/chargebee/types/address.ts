import "reflect-metadata";
import { Field, ObjectType } from "type-graphql";
import { str, type Json } from "../../shared/json-fields.js";

@ObjectType({ description: "A Chargebee billing or shipping address." })
export class ChargebeeAddress {
  @Field(() => String, { nullable: true }) firstName!: string | null;
  @Field(() => String, { nullable: true }) lastName!: string | null;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, { nullable: true }) company!: string | null;
  @Field(() => String, { nullable: true }) phone!: string | null;
  @Field(() => String, { nullable: true }) line1!: string | null;
  @Field(() => String, { nullable: true }) line2!: string | null;
  @Field(() => String, { nullable: true }) city!: string | null;
  @Field(() => String, { nullable: true }) zip!: string | null;
  @Field(() => String, { nullable: true }) country!: string | null;
}

export function toChargebeeAddress(data: Json | null): ChargebeeAddress | null {
  if (!data) return null;
  return {
    firstName: str(data, "first_name"),
    lastName: str(data, "last_name"),
    email: str(data, "email"),
    company: str(data, "company"),
    phone: str(data, "phone"),
    line1: str(data, "line1"),
    line2: str(data, "line2"),
    city: str(data, "city"),
    zip: str(data, "zip"),
    country: str(data, "country"),
  };
}
