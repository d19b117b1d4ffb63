import "reflect-metadata";
import { Directive, Field, Float, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import type { DatasetRow } from "../../../src/datasets/types.js";
import { DatasetEntity, datasetFields } from "../../shared/dataset-entity.js";
import { bool, id, isoDate, num, str } from "../../shared/json-fields.js";

@ObjectType({ description: "A PowerOffice product or service (Products). Amounts in the client's currency, as PowerOffice sends them." })
@Directive(`@key(fields: "id")`)
export class PowerOfficeProduct extends DatasetEntity {
  @Field(() => String, { nullable: true }) code!: string | null;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true }) gtin!: string | null;
  @Field(() => String, { nullable: true, description: "Product or Service." }) productType!: string | null;
  @Field(() => Float, { nullable: true, description: "Sales price per unit." }) unitPrice!: number | null;
  @Field(() => Float, { nullable: true }) unitCost!: number | null;
  @Field(() => String, { nullable: true, description: "UN/ECE code such as EA, HUR, MON." }) unitOfMeasureCode!: string | null;
  @Field(() => ID, { nullable: true }) productGroupId!: string | null;
  @Field(() => Boolean, { nullable: true }) isArchived!: boolean | null;
  @Field(() => Boolean, { nullable: true }) isStockItem!: boolean | null;
  @Field(() => Float, { nullable: true }) stockOnHand!: number | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) createdAt!: Date | null;
}

export const PRODUCT = "Product";

export function toPowerOfficeProduct(row: DatasetRow): PowerOfficeProduct {
  const data = row.data;
  return {
    ...datasetFields(row, isoDate(data, "LastChangedDateTimeOffset")),
    code: str(data, "Code"),
    name: str(data, "Name"),
    description: str(data, "Description"),
    gtin: str(data, "Gtin"),
    productType: str(data, "ProductType"),
    unitPrice: num(data, "UnitPrice"),
    unitCost: num(data, "UnitCost"),
    unitOfMeasureCode: str(data, "UnitOfMeasureCode"),
    productGroupId: id(data, "ProductGroupId"),
    isArchived: bool(data, "IsArchived"),
    isStockItem: bool(data, "IsStockItem"),
    stockOnHand: num(data, "StockOnHand"),
    createdAt: isoDate(data, "CreatedDateTimeOffset"),
  };
}
