import "reflect-metadata";
import { Directive, Field, ObjectType } from "type-graphql";
import { UnifiedFields, agreedText, unifiedFields, type UnifiedRow } from "./unified.js";

@ObjectType({ description: "A PowerOffice product and the Chargebee item made from it." })
@Directive(`@key(fields: "id")`)
export class Item extends UnifiedFields {
  @Field(() => String, { nullable: true }) name!: string | null;
}

export function toItem(row: UnifiedRow): Item {
  return { ...unifiedFields(row), name: row.name ?? agreedText(row, "name") };
}
