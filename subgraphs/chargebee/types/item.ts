import "reflect-metadata";
import { Directive, Field, ID, Int, ObjectType, GraphQLISODateTime } from "type-graphql";
import type { DatasetRecordRow } from "../../shared/dataset-entity.js";
import { ChargebeeDatasetEntity } from "./chargebee-entity.js";
import { bool, epochSeconds, id, int, str } from "../../shared/json-fields.js";
import { MONEY_NOTE, Money } from "./money.js";

@ObjectType({ description: "A Chargebee catalog item (Product Catalog 2.0): plan, addon or charge." })
@Directive(`@key(fields: "id")`)
export class ChargebeeItem extends ChargebeeDatasetEntity {
  @Field(() => String, { nullable: true })
  get name(): string | null {
    return str(this.row.data, "name");
  }

  @Field(() => String, { nullable: true })
  get externalName(): string | null {
    return str(this.row.data, "external_name");
  }

  @Field(() => String, { nullable: true })
  get description(): string | null {
    return str(this.row.data, "description");
  }

  @Field(() => String, { nullable: true, description: "plan, addon or charge." })
  get type(): string | null {
    return str(this.row.data, "type");
  }

  @Field(() => ID, { nullable: true })
  get itemFamilyId(): string | null {
    return id(this.row.data, "item_family_id");
  }

  @Field(() => String, { nullable: true, description: "active, archived or deleted." })
  get status(): string | null {
    return str(this.row.data, "status");
  }

  @Field(() => String, { nullable: true })
  get unit(): string | null {
    return str(this.row.data, "unit");
  }

  @Field(() => Boolean, { nullable: true })
  get isShippable(): boolean | null {
    return bool(this.row.data, "is_shippable");
  }

  @Field(() => Boolean, { nullable: true })
  get enabledForCheckout(): boolean | null {
    return bool(this.row.data, "enabled_for_checkout");
  }

  @Field(() => Boolean, { nullable: true })
  get metered(): boolean | null {
    return bool(this.row.data, "metered");
  }

  @Field(() => ID, { nullable: true })
  get businessEntityId(): string | null {
    return id(this.row.data, "business_entity_id");
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get archivedAt(): Date | null {
    return epochSeconds(this.row.data, "archived_at");
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get updatedAt(): Date | null {
    return epochSeconds(this.row.data, "updated_at");
  }
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

export const toChargebeeItem = (row: DatasetRecordRow) => new ChargebeeItem(row);

export function toChargebeeItemPrice(row: DatasetRecordRow): ChargebeeItemPrice {
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
