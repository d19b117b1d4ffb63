import "reflect-metadata";
import { Directive, Field, Float, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import type { DatasetRecordRow } from "../../shared/dataset-entity.js";
import { PowerOfficeDatasetEntity } from "./poweroffice-entity.js";
import { bool, id, isoDate, num, str } from "../../shared/json-fields.js";

@ObjectType({ description: "A PowerOffice product or service (Products). Amounts in the client's currency, as PowerOffice sends them." })
@Directive(`@key(fields: "id")`)
export class PowerOfficeProduct extends PowerOfficeDatasetEntity {
  @Field(() => String, { nullable: true })
  get code(): string | null {
    return str(this.row.data, "Code");
  }

  @Field(() => String, { nullable: true })
  get name(): string | null {
    return str(this.row.data, "Name");
  }

  @Field(() => String, { nullable: true })
  get description(): string | null {
    return str(this.row.data, "Description");
  }

  @Field(() => String, { nullable: true })
  get gtin(): string | null {
    return str(this.row.data, "Gtin");
  }

  @Field(() => String, { nullable: true, description: "Product or Service." })
  get productType(): string | null {
    return str(this.row.data, "ProductType");
  }

  @Field(() => Float, { nullable: true, description: "Sales price per unit." })
  get unitPrice(): number | null {
    return num(this.row.data, "UnitPrice");
  }

  @Field(() => Float, { nullable: true })
  get unitCost(): number | null {
    return num(this.row.data, "UnitCost");
  }

  @Field(() => String, { nullable: true, description: "UN/ECE code such as EA, HUR, MON." })
  get unitOfMeasureCode(): string | null {
    return str(this.row.data, "UnitOfMeasureCode");
  }

  @Field(() => ID, { nullable: true })
  get productGroupId(): string | null {
    return id(this.row.data, "ProductGroupId");
  }

  @Field(() => Boolean, { nullable: true })
  get isArchived(): boolean | null {
    return bool(this.row.data, "IsArchived");
  }

  @Field(() => Boolean, { nullable: true })
  get isStockItem(): boolean | null {
    return bool(this.row.data, "IsStockItem");
  }

  @Field(() => Float, { nullable: true })
  get stockOnHand(): number | null {
    return num(this.row.data, "StockOnHand");
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get createdAt(): Date | null {
    return isoDate(this.row.data, "CreatedDateTimeOffset");
  }
}

export const PRODUCT = "Product";

export const toPowerOfficeProduct = (row: DatasetRecordRow) => new PowerOfficeProduct(row);
