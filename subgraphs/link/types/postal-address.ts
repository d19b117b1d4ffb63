import "reflect-metadata";
import { Field, InputType, ObjectType } from "type-graphql";

@ObjectType({ description: "A postal address as both sides agree on it: Chargebee's billing_address, PowerOffice's MailAddress." })
export class PostalAddress {
  @Field(() => String, { nullable: true, description: "billing_address.line1 / MailAddress.AddressLine1." }) line1!: string | null;
  @Field(() => String, { nullable: true, description: "billing_address.city / MailAddress.City." }) city!: string | null;
  @Field(() => String, { nullable: true, description: "billing_address.zip / MailAddress.ZipCode." }) zip!: string | null;
  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2: billing_address.country / MailAddress.CountryCode." })
  country!: string | null;
}

@InputType({ description: "A postal address to write to both sides. PowerOffice takes one only with both a city and a zip." })
export class PostalAddressInput {
  @Field(() => String, { nullable: true }) line1?: string | null;
  @Field(() => String, { nullable: true }) city?: string | null;
  @Field(() => String, { nullable: true }) zip?: string | null;
  @Field(() => String, { nullable: true, description: "ISO 3166-1 alpha-2, e.g. NO." }) country?: string | null;
}

/** An agreed address value as the GraphQL type, or null. */
export function toPostalAddress(value: unknown): PostalAddress | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const parts = value as Record<string, unknown>;
  const text = (name: string) => (typeof parts[name] === "string" ? (parts[name] as string) : null);
  return Object.assign(new PostalAddress(), { line1: text("line1"), city: text("city"), zip: text("zip"), country: text("country") });
}
