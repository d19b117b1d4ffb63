import "reflect-metadata";
import { Directive, Field, ID, Int, ObjectType, GraphQLISODateTime } from "type-graphql";
import type { DatasetRow } from "../../../src/datasets/types.js";
import { DatasetEntity, datasetFields } from "../../shared/dataset-entity.js";
import { bool, epochSeconds, id, int, str } from "../../shared/json-fields.js";
import { MONEY_NOTE, Money } from "./money.js";

@ObjectType({ description: "A Chargebee catalog item (Product Catalog 2.0): plan, addon or charge." })
@Directive(`@key(fields: "id")`)
export class ChargebeeItem extends DatasetEntity {
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { nullable: true }) externalName!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true, description: "plan, addon or charge." }) type!: string | null;
  @Field(() => ID, { nullable: true }) itemFamilyId!: string | null;
  @Field(() => String, { nullable: true, description: "active, archived or deleted." }) status!: string | null;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field(() => Boolean, { nullable: true }) isShippable!: boolean | null;
  @Field(() => Boolean, { nullable: true }) enabledForCheckout!: boolean | null;
  @Field(() => Boolean, { nullable: true }) metered!: boolean | null;
  @Field(() => ID, { nullable: true }) businessEntityId!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) archivedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) updatedAt!: Date | null;
}

@ObjectType({ description: "A price of a Chargebee item (item_prices: one per currency and period)." })
export class ChargebeeItemPrice {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => ID, { nullable: true }) itemId!: string | null;
  @Field(() => String, { nullable: true }) currencyCode!: string | null;
  @Field(() => Money, { nullable: true, description: MONEY_NOTE }) price!: number | null;
  @Field(() => String, { nullable: true, description: "flat_fee, per_unit, tiered, volume or stairstep." }) pricingModel!: string | null;
  @Field(() => Int, { nullable: true }) period!: number | null;
  @Field(() => String, { nullable: true }) periodUnit!: string | null;
  @Field(() => String, { nullable: true }) status!: string | null;
  @Field(() => Boolean) deleted!: boolean;
}

export const ITEM = "item";
export const ITEM_PRICE = "item_price";

export function toChargebeeItem(row: DatasetRow): ChargebeeItem {
  const data = row.data;
  return {
    ...datasetFields(row, epochSeconds(data, "updated_at")),
    deleted: row.deleted || data.deleted === true,
    name: str(data, "name"),
    externalName: str(data, "external_name"),
    description: str(data, "description"),
    type: str(data, "type"),
    itemFamilyId: id(data, "item_family_id"),
    status: str(data, "status"),
    unit: str(data, "unit"),
    isShippable: bool(data, "is_shippable"),
    enabledForCheckout: bool(data, "enabled_for_checkout"),
    metered: bool(data, "metered"),
    businessEntityId: id(data, "business_entity_id"),
    archivedAt: epochSeconds(data, "archived_at"),
    updatedAt: epochSeconds(data, "updated_at"),
  };
}

export function toChargebeeItemPrice(row: DatasetRow): ChargebeeItemPrice {
  const data = row.data;
  return {
    id: row.source_id,
    name: str(data, "name"),
    itemId: id(data, "item_id") ?? row.parent_id,
    currencyCode: str(data, "currency_code"),
    price: int(data, "price"),
    pricingModel: str(data, "pricing_model"),
    period: int(data, "period"),
    periodUnit: str(data, "period_unit"),
    status: str(data, "status"),
    deleted: row.deleted || data.deleted === true,
  };
}
