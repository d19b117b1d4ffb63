import "reflect-metadata";
import { Directive, Field, ObjectType, GraphQLISODateTime } from "type-graphql";
import type { DatasetRow } from "../../../src/datasets/types.js";
import { DatasetEntity, datasetFields } from "../../shared/dataset-entity.js";
import { epochSeconds, str } from "../../shared/json-fields.js";

@ObjectType({ description: "A Chargebee business entity (set up by an admin; the API cannot create or rename them)." })
@Directive(`@key(fields: "id")`)
export class ChargebeeBusinessEntity extends DatasetEntity {
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => String, { nullable: true, description: "active or inactive." }) status!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) createdAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) updatedAt!: Date | null;
}

export const BUSINESS_ENTITY = "business_entity";

export function toChargebeeBusinessEntity(row: DatasetRow): ChargebeeBusinessEntity {
  const data = row.data;
  return {
    ...datasetFields(row, epochSeconds(data, "updated_at")),
    deleted: row.deleted || data.deleted === true,
    name: str(data, "name"),
    status: str(data, "status"),
    createdAt: epochSeconds(data, "created_at"),
    updatedAt: epochSeconds(data, "updated_at"),
  };
}
