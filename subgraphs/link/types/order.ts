import "reflect-metadata";
import { Directive, Field, ObjectType } from "type-graphql";
import { GraphQLSafeInt } from "graphql-scalars";
import { UnifiedFields, agreedNumber, agreedText, unifiedFields, type UnifiedRow } from "./unified.js";

@ObjectType({ description: "A PowerOffice sales order and the Chargebee order (and invoice) made from it." })
@Directive(`@key(fields: "id")`)
export class Order extends UnifiedFields {
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { nullable: true, description: "ISO 4217." }) currencyCode!: string | null;
  @Field(() => String, { nullable: true, description: "YYYY-MM-DD." }) orderDate!: string | null;
  @Field(() => GraphQLSafeInt, { nullable: true, description: "Sum of the lines' amounts, in minor units (øre)." }) amount!: number | null;
  @Field(() => GraphQLSafeInt, { nullable: true, description: "Sum of the lines' tax, in minor units (øre)." }) taxAmount!: number | null;
}

export function toOrder(row: UnifiedRow): Order {
  return {
    ...unifiedFields(row),
    name: row.name,
    currencyCode: agreedText(row, "currencyCode"),
    orderDate: agreedText(row, "orderDate"),
    amount: agreedNumber(row, "amount"),
    taxAmount: agreedNumber(row, "taxAmount"),
  };
}
