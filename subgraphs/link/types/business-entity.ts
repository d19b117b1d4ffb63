import "reflect-metadata";
import { Directive, Field, ObjectType } from "type-graphql";
import { UnifiedFields, agreedText, type UnifiedRow } from "./unified.js";

@ObjectType({ description: "A Chargebee business entity and the PowerOffice departments and customers linked to it by name." })
@Directive(`@key(fields: "id")`)
export class BusinessEntity extends UnifiedFields {
  @Field(() => String, { nullable: true })
  get name(): string | null {
    return this.row.name ?? agreedText(this.row, "name");
  }
}

export const toBusinessEntity = (row: UnifiedRow) => new BusinessEntity(row);
