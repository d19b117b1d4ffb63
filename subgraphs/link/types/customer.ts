import "reflect-metadata";
import { Directive, Field, ObjectType } from "type-graphql";
import { PostalAddress, toPostalAddress } from "./postal-address.js";
import { UnifiedFields, agreedText, type UnifiedRow } from "./unified.js";

@ObjectType({
  description:
    "A person or organisation as both systems know it: PowerOffice contact persons, employees and customers that are the " +
    "same Chargebee customer (people match by email, organisations by name).",
})
@Directive(`@key(fields: "id")`)
export class Customer extends UnifiedFields {
  @Field(() => String, { nullable: true, description: "Case-folded email both sides agree on." })
  get email(): string | null {
    return this.row.email ?? agreedText(this.row, "email");
  }

  @Field(() => String, { nullable: true, description: "Full name, or the company name." })
  get name(): string | null {
    return this.row.name;
  }

  @Field(() => String, { nullable: true })
  get firstName(): string | null {
    return agreedText(this.row, "firstName");
  }

  @Field(() => String, { nullable: true })
  get lastName(): string | null {
    return agreedText(this.row, "lastName");
  }

  @Field(() => String, { nullable: true })
  get company(): string | null {
    return agreedText(this.row, "company");
  }

  @Field(() => PostalAddress, { nullable: true, description: "The billing address both sides agree on (person and company customers)." })
  get billingAddress(): PostalAddress | null {
    return toPostalAddress(this.row.agreed?.address);
  }
}

export const toCustomer = (row: UnifiedRow) => new Customer(row);
