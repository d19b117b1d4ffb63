import "reflect-metadata";
import { Directive, Field, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import { GraphQLSafeInt } from "graphql-scalars";
import type { DatasetRecordRow } from "../../shared/dataset-entity.js";
import { PowerOfficeDatasetEntity } from "./poweroffice-entity.js";
import { bool, id, int, isoDate, obj, str } from "../../shared/json-fields.js";
import { PowerOfficeAddress, toPowerOfficeAddress } from "./address.js";
import { personName } from "./contact-person.js";

@ObjectType({ description: "A PowerOffice employee (Employees)." })
@Directive(`@key(fields: "id")`)
export class PowerOfficeEmployee extends PowerOfficeDatasetEntity {
  @Field(() => GraphQLSafeInt, { nullable: true, description: "Employee number." })
  get number(): number | null {
    return int(this.row.data, "Number");
  }

  @Field(() => String, { nullable: true })
  get firstName(): string | null {
    return str(this.row.data, "FirstName");
  }

  @Field(() => String, { nullable: true })
  get lastName(): string | null {
    return str(this.row.data, "LastName");
  }

  @Field(() => String, { nullable: true, description: "First and last name." })
  get name(): string | null {
    return personName(this.firstName, this.lastName);
  }

  @Field(() => String, { nullable: true })
  get emailAddress(): string | null {
    return str(this.row.data, "EmailAddress");
  }

  @Field(() => String, { nullable: true })
  get phoneNumber(): string | null {
    return str(this.row.data, "PhoneNumber");
  }

  @Field(() => String, { nullable: true })
  get jobTitle(): string | null {
    return str(this.row.data, "JobTitle");
  }

  @Field(() => ID, { nullable: true })
  get departmentId(): string | null {
    return id(this.row.data, "DepartmentId");
  }

  @Field(() => ID, { nullable: true })
  get managerEmployeeId(): string | null {
    return id(this.row.data, "ManagerEmployeeId");
  }

  @Field(() => String, { nullable: true })
  get externalImportReference(): string | null {
    return str(this.row.data, "ExternalImportReference");
  }

  @Field(() => Boolean, { nullable: true })
  get isArchived(): boolean | null {
    return bool(this.row.data, "IsArchived");
  }

  @Field(() => String, { nullable: true, description: "YYYY-MM-DD." })
  get hiredDate(): string | null {
    return str(this.row.data, "HiredDate");
  }

  @Field(() => String, { nullable: true, description: "YYYY-MM-DD." })
  get startDate(): string | null {
    return str(this.row.data, "StartDate");
  }

  @Field(() => String, { nullable: true, description: "YYYY-MM-DD." })
  get endDate(): string | null {
    return str(this.row.data, "EndDate");
  }

  @Field(() => PowerOfficeAddress, { nullable: true })
  get mailAddress(): PowerOfficeAddress | null {
    return toPowerOfficeAddress(obj(this.row.data, "MailAddress"));
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get createdAt(): Date | null {
    return isoDate(this.row.data, "EmployeeCreatedDateTimeOffset") ?? isoDate(this.row.data, "CreatedDateTimeOffset");
  }
}

export const EMPLOYEE = "Employee";

export const toPowerOfficeEmployee = (row: DatasetRecordRow) => new PowerOfficeEmployee(row);
