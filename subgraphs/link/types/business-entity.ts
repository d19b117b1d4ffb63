import "reflect-metadata";
import { Directive, Field, ObjectType } from "type-graphql";
import { UnifiedFields, agreedText, unifiedFields, type UnifiedRow } from "./unified.js";

@ObjectType({ description: "A Chargebee business entity and the PowerOffice departments and customers linked to it by name." })
@Directive(`@key(fields: "id")`)
export class BusinessEntity extends UnifiedFields {
  @Field(() => String, { nullable: true }) name!: string | null;
}

export function toBusinessEntity(row: UnifiedRow): BusinessEntity {
  return { ...unifiedFields(row), name: row.name ?? agreedText(row, "name") };
}
