import "reflect-metadata";
import { Directive, Field, ObjectType } from "type-graphql";
import { GraphQLSafeInt } from "graphql-scalars";
import { UnifiedFields, agreedNumber, agreedText, type UnifiedRow } from "./unified.js";

@ObjectType({ description: "A PowerOffice sales order and the Chargebee order (and invoice) made from it." })
@Directive(`@key(fields: "id")`)
export class Order extends UnifiedFields {
  @Field(() => String, { nullable: true })
  get name(): string | null {
    return this.row.name;
  }

  @Field(() => String, { nullable: true, description: "ISO 4217." })
  get currencyCode(): string | null {
    return agreedText(this.row, "currencyCode");
  }

  @Field(() => String, { nullable: true, description: "YYYY-MM-DD." })
  get orderDate(): string | null {
    return agreedText(this.row, "orderDate");
  }

  @Field(() => GraphQLSafeInt, { nullable: true, description: "Sum of the lines' amounts, in minor units (øre)." })
  get amount(): number | null {
    return agreedNumber(this.row, "amount");
  }

  @Field(() => GraphQLSafeInt, { nullable: true, description: "Sum of the lines' tax, in minor units (øre)." })
  get taxAmount(): number | null {
    return agreedNumber(this.row, "taxAmount");
  }
}

export const toOrder = (row: UnifiedRow) => new Order(row);
