import "reflect-metadata";
import { Directive, Field, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import type { DatasetRecordRow } from "../../shared/dataset-entity.js";
import { PowerOfficeDatasetEntity } from "./poweroffice-entity.js";
import { bool, id, isoDate, str } from "../../shared/json-fields.js";

@ObjectType({ description: "A PowerOffice department (Departments)." })
@Directive(`@key(fields: "id")`)
export class PowerOfficeDepartment extends PowerOfficeDatasetEntity {
  @Field(() => String, { nullable: true })
  get code(): string | null {
    return str(this.row.data, "Code");
  }

  @Field(() => String, { nullable: true })
  get name(): string | null {
    return str(this.row.data, "Name");
  }

  @Field(() => Boolean, { nullable: true })
  get isActive(): boolean | null {
    return bool(this.row.data, "IsActive");
  }

  @Field(() => ID, { nullable: true })
  get managerEmployeeId(): string | null {
    return id(this.row.data, "ManagerEmployeeId");
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get createdAt(): Date | null {
    return isoDate(this.row.data, "CreatedDateTimeOffset");
  }
}

export const DEPARTMENT = "Department";

export const toPowerOfficeDepartment = (row: DatasetRecordRow) => new PowerOfficeDepartment(row);
