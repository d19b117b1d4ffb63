import "reflect-metadata";
import { Directive, Field, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import { GraphQLSafeInt } from "graphql-scalars";
import type { DatasetRow } from "../../../src/datasets/types.js";
import { DatasetEntity, datasetFields } from "../../shared/dataset-entity.js";
import { bool, id, int, isoDate, obj, str } from "../../shared/json-fields.js";
import { PowerOfficeAddress, toPowerOfficeAddress } from "./address.js";
import { personName } from "./contact-person.js";

@ObjectType({ description: "A PowerOffice employee (Employees)." })
@Directive(`@key(fields: "id")`)
export class PowerOfficeEmployee extends DatasetEntity {
  @Field(() => GraphQLSafeInt, { nullable: true, description: "Employee number." }) number!: number | null;
  @Field(() => String, { nullable: true }) firstName!: string | null;
  @Field(() => String, { nullable: true }) lastName!: string | null;
  @Field(() => String, { nullable: true, description: "First and last name." }) name!: string | null;
  @Field(() => String, { nullable: true }) emailAddress!: string | null;
  @Field(() => String, { nullable: true }) phoneNumber!: string | null;
  @Field(() => String, { nullable: true }) jobTitle!: string | null;
  @Field(() => ID, { nullable: true }) departmentId!: string | null;
  @Field(() => ID, { nullable: true }) managerEmployeeId!: string | null;
  @Field(() => String, { nullable: true }) externalImportReference!: string | null;
  @Field(() => Boolean, { nullable: true }) isArchived!: boolean | null;
  @Field(() => String, { nullable: true, description: "YYYY-MM-DD." }) hiredDate!: string | null;
  @Field(() => String, { nullable: true, description: "YYYY-MM-DD." }) startDate!: string | null;
  @Field(() => String, { nullable: true, description: "YYYY-MM-DD." }) endDate!: string | null;
  @Field(() => PowerOfficeAddress, { nullable: true }) mailAddress!: PowerOfficeAddress | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) createdAt!: Date | null;
}

export const EMPLOYEE = "Employee";

export function toPowerOfficeEmployee(row: DatasetRow): PowerOfficeEmployee {
  const data = row.data;
  const firstName = str(data, "FirstName");
  const lastName = str(data, "LastName");
  return {
    ...datasetFields(row, isoDate(data, "LastChangedDateTimeOffset")),
    number: int(data, "Number"),
    firstName,
    lastName,
    name: personName(firstName, lastName),
    emailAddress: str(data, "EmailAddress"),
    phoneNumber: str(data, "PhoneNumber"),
    jobTitle: str(data, "JobTitle"),
    departmentId: id(data, "DepartmentId"),
    managerEmployeeId: id(data, "ManagerEmployeeId"),
    externalImportReference: str(data, "ExternalImportReference"),
    isArchived: bool(data, "IsArchived"),
    hiredDate: str(data, "HiredDate"),
    startDate: str(data, "StartDate"),
    endDate: str(data, "EndDate"),
    mailAddress: toPowerOfficeAddress(obj(data, "MailAddress")),
    createdAt: isoDate(data, "EmployeeCreatedDateTimeOffset") ?? isoDate(data, "CreatedDateTimeOffset"),
  };
}
