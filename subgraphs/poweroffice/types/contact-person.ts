import "reflect-metadata";
import { Directive, Field, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import type { DatasetRow } from "../../../src/datasets/types.js";
import { DatasetEntity, datasetFields } from "../../shared/dataset-entity.js";
import { bool, id, isoDate, obj, str } from "../../shared/json-fields.js";
import { PowerOfficeAddress, toPowerOfficeAddress } from "./address.js";

@ObjectType({ description: "A contact person of a PowerOffice customer (ContactPersons)." })
@Directive(`@key(fields: "id")`)
export class PowerOfficeContactPerson extends DatasetEntity {
  @Field(() => ID, { nullable: true, description: "The customer (contact) the person belongs to." }) contactId!: string | null;
  @Field(() => String, { nullable: true }) firstName!: string | null;
  @Field(() => String, { nullable: true }) lastName!: string | null;
  @Field(() => String, { nullable: true, description: "First and last name." }) name!: string | null;
  @Field(() => String, { nullable: true }) emailAddress!: string | null;
  @Field(() => String, { nullable: true }) phoneNumber!: string | null;
  @Field(() => String, { nullable: true, description: "Job title." }) title!: string | null;
  @Field(() => String, { nullable: true }) externalCode!: string | null;
  @Field(() => Boolean, { nullable: true }) isActive!: boolean | null;
  @Field(() => Boolean, { nullable: true }) isDefault!: boolean | null;
  @Field(() => PowerOfficeAddress, { nullable: true }) mailAddress!: PowerOfficeAddress | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) createdAt!: Date | null;
}

export const CONTACT_PERSON = "ContactPerson";

export function personName(first: string | null, last: string | null): string | null {
  const name = [first, last].filter(Boolean).join(" ");
  return name === "" ? null : name;
}

export function toPowerOfficeContactPerson(row: DatasetRow): PowerOfficeContactPerson {
  const data = row.data;
  const firstName = str(data, "FirstName");
  const lastName = str(data, "LastName");
  return {
    ...datasetFields(row, isoDate(data, "LastChangedDateTimeOffset")),
    contactId: id(data, "ContactId") ?? row.parent_id,
    firstName,
    lastName,
    name: personName(firstName, lastName),
    emailAddress: str(data, "EmailAddress"),
    phoneNumber: str(data, "PhoneNumber"),
    title: str(data, "Title"),
    externalCode: str(data, "ExternalCode"),
    isActive: bool(data, "IsActive"),
    isDefault: bool(data, "IsDefault"),
    mailAddress: toPowerOfficeAddress(obj(data, "MailAddress")),
    createdAt: isoDate(data, "CreatedDateTimeOffset"),
  };
}
