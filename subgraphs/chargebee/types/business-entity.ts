import "reflect-metadata";
import { Directive, Field, ObjectType, GraphQLISODateTime } from "type-graphql";
import type { DatasetRecordRow } from "../../shared/dataset-entity.js";
import { ChargebeeDatasetEntity } from "./chargebee-entity.js";
import { epochSeconds, str } from "../../shared/json-fields.js";

@ObjectType({ description: "A Chargebee business entity (set up by an admin; the API cannot create or rename them)." })
@Directive(`@key(fields: "id")`)
export class ChargebeeBusinessEntity extends ChargebeeDatasetEntity {
  @Field(() => String, { nullable: true })
  get name(): string | null {
    return str(this.row.data, "name");
  }

  @Field(() => String, { nullable: true, description: "active or inactive." })
  get status(): string | null {
    return str(this.row.data, "status");
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get createdAt(): Date | null {
    return epochSeconds(this.row.data, "created_at");
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get updatedAt(): Date | null {
    return epochSeconds(this.row.data, "updated_at");
  }
}

export const BUSINESS_ENTITY = "business_entity";

export const toChargebeeBusinessEntity = (row: DatasetRecordRow) => new ChargebeeBusinessEntity(row);
