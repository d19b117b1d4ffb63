import "reflect-metadata";
import { Directive, Field, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import type { DatasetRow } from "../../../src/datasets/types.js";
import { DatasetEntity, datasetFields } from "../../shared/dataset-entity.js";
import { bool, id, isoDate, str } from "../../shared/json-fields.js";

@ObjectType({ description: "A PowerOffice department (Departments)." })
@Directive(`@key(fields: "id")`)
export class PowerOfficeDepartment extends DatasetEntity {
  @Field(() => String, { nullable: true }) code!: string | null;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => Boolean, { nullable: true }) isActive!: boolean | null;
  @Field(() => ID, { nullable: true }) managerEmployeeId!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) createdAt!: Date | null;
}

export const DEPARTMENT = "Department";

export function toPowerOfficeDepartment(row: DatasetRow): PowerOfficeDepartment {
  const data = row.data;
  return {
    ...datasetFields(row, isoDate(data, "LastChangedDateTimeOffset")),
    code: str(data, "Code"),
    name: str(data, "Name"),
    isActive: bool(data, "IsActive"),
    managerEmployeeId: id(data, "ManagerEmployeeId"),
    createdAt: isoDate(data, "CreatedDateTimeOffset"),
  };
}
