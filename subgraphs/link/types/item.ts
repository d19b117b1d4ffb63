import "reflect-metadata";
import { Directive, Field, ObjectType } from "type-graphql";
import { UnifiedFields, agreedText, type UnifiedRow } from "./unified.js";

@ObjectType({ description: "A PowerOffice product and the Chargebee item made from it." })
@Directive(`@key(fields: "id")`)
export class Item extends UnifiedFields {
  @Field(() => String, { nullable: true })
  get name(): string | null {
    return this.row.name ?? agreedText(this.row, "name");
  }
}

export const toItem = (row: UnifiedRow) => new Item(row);
