import "reflect-metadata";
import { Directive, Field, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import type { DatasetRecordRow } from "../../shared/dataset-entity.js";
import { PowerOfficeDatasetEntity } from "./poweroffice-entity.js";
import { bool, id, isoDate, obj, str } from "../../shared/json-fields.js";
import { PowerOfficeAddress, toPowerOfficeAddress } from "./address.js";

@ObjectType({ description: "A contact person of a PowerOffice customer (ContactPersons)." })
@Directive(`@key(fields: "id")`)
export class PowerOfficeContactPerson extends PowerOfficeDatasetEntity {
  @Field(() => ID, { nullable: true, description: "The customer (contact) the person belongs to." })
  get contactId(): string | null {
    return id(this.row.data, "ContactId") ?? this.row.parent_id;
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

  @Field(() => String, { nullable: true, description: "Job title." })
  get title(): string | null {
    return str(this.row.data, "Title");
  }

  @Field(() => String, { nullable: true })
  get externalCode(): string | null {
    return str(this.row.data, "ExternalCode");
  }

  @Field(() => Boolean, { nullable: true })
  get isActive(): boolean | null {
    return bool(this.row.data, "IsActive");
  }

  @Field(() => Boolean, { nullable: true })
  get isDefault(): boolean | null {
    return bool(this.row.data, "IsDefault");
  }

  @Field(() => PowerOfficeAddress, { nullable: true })
  get mailAddress(): PowerOfficeAddress | null {
    return toPowerOfficeAddress(obj(this.row.data, "MailAddress"));
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get createdAt(): Date | null {
    return isoDate(this.row.data, "CreatedDateTimeOffset");
  }
}

export const CONTACT_PERSON = "ContactPerson";

export function personName(first: string | null, last: string | null): string | null {
  const name = [first, last].filter(Boolean).join(" ");
  return name === "" ? null : name;
}

export const toPowerOfficeContactPerson = (row: DatasetRecordRow) => new PowerOfficeContactPerson(row);
