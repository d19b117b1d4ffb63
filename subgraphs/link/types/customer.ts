import "reflect-metadata";
import { Directive, Field, ObjectType } from "type-graphql";
import { UnifiedFields, agreedText, unifiedFields, type UnifiedRow } from "./unified.js";

@ObjectType({
  description:
    "A person or organisation as both systems know it: PowerOffice contact persons, employees and customers that are the " +
    "same Chargebee customer (people match by email, organisations by name).",
})
@Directive(`@key(fields: "id")`)
export class Customer extends UnifiedFields {
  @Field(() => String, { nullable: true, description: "Case-folded email both sides agree on." }) email!: string | null;
  @Field(() => String, { nullable: true, description: "Full name, or the company name." }) name!: string | null;
  @Field(() => String, { nullable: true }) firstName!: string | null;
  @Field(() => String, { nullable: true }) lastName!: string | null;
  @Field(() => String, { nullable: true }) company!: string | null;
}

export function toCustomer(row: UnifiedRow): Customer {
  return {
    ...unifiedFields(row),
    email: row.email ?? agreedText(row, "email"),
    name: row.name,
    firstName: agreedText(row, "firstName"),
    lastName: agreedText(row, "lastName"),
    company: agreedText(row, "company"),
  };
}
