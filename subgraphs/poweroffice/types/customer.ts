import "reflect-metadata";
import { Directive, Field, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import { GraphQLSafeInt } from "graphql-scalars";
import type { DatasetRow } from "../../../src/datasets/types.js";
import { DatasetEntity, datasetFields } from "../../shared/dataset-entity.js";
import { bool, id, int, isoDate, obj, str } from "../../shared/json-fields.js";
import { PowerOfficeAddress, toPowerOfficeAddress } from "./address.js";
import { personName } from "./contact-person.js";

@ObjectType({ description: "A PowerOffice customer: a company, or a person when isPerson is true (Customers)." })
@Directive(`@key(fields: "id")`)
export class PowerOfficeCustomer extends DatasetEntity {
  @Field(() => GraphQLSafeInt, { nullable: true, description: "Customer number (also the ledger account)." }) number!: number | null;
  @Field(() => Boolean, { description: "A person rather than a company." }) isPerson!: boolean;
  @Field(() => String, { nullable: true, description: "Company name, or the person's full name." }) name!: string | null;
  @Field(() => String, { nullable: true }) legalName!: string | null;
  @Field(() => String, { nullable: true }) firstName!: string | null;
  @Field(() => String, { nullable: true }) lastName!: string | null;
  @Field(() => String, { nullable: true }) organizationNumber!: string | null;
  @Field(() => String, { nullable: true }) emailAddress!: string | null;
  @Field(() => String, { nullable: true }) invoiceEmailAddress!: string | null;
  @Field(() => String, { nullable: true }) phoneNumber!: string | null;
  @Field(() => String, { nullable: true }) websiteUrl!: string | null;
  @Field(() => String, { nullable: true, description: "ISO 4217." }) currencyCode!: string | null;
  @Field(() => String, { nullable: true }) invoiceDeliveryType!: string | null;
  @Field(() => String, { nullable: true }) externalImportReference!: string | null;
  @Field(() => GraphQLSafeInt, { nullable: true }) externalNumber!: number | null;
  @Field(() => ID, { nullable: true }) departmentId!: string | null;
  @Field(() => Boolean, { nullable: true }) isArchived!: boolean | null;
  @Field(() => Boolean, { nullable: true }) isActive!: boolean | null;
  @Field(() => Boolean, { nullable: true }) isVatFree!: boolean | null;
  @Field(() => PowerOfficeAddress, { nullable: true }) mailAddress!: PowerOfficeAddress | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) createdAt!: Date | null;
}

export const CUSTOMER = "Customer";

export function toPowerOfficeCustomer(row: DatasetRow): PowerOfficeCustomer {
  const data = row.data;
  const isPerson = bool(data, "IsPerson") ?? false;
  const firstName = str(data, "FirstName");
  const lastName = str(data, "LastName");
  return {
    ...datasetFields(row, isoDate(data, "LastChangedDateTimeOffset")),
    number: int(data, "Number"),
    isPerson,
    name: str(data, "Name") ?? (isPerson ? personName(firstName, lastName) : null),
    legalName: str(data, "LegalName"),
    firstName,
    lastName,
    organizationNumber: str(data, "OrganizationNumber"),
    emailAddress: str(data, "EmailAddress"),
    invoiceEmailAddress: str(data, "InvoiceEmailAddress"),
    phoneNumber: str(data, "PhoneNumber"),
    websiteUrl: str(data, "WebsiteUrl"),
    currencyCode: str(data, "CurrencyCode"),
    invoiceDeliveryType: str(data, "InvoiceDeliveryType"),
    externalImportReference: str(data, "ExternalImportReference"),
    externalNumber: int(data, "ExternalNumber"),
    departmentId: id(data, "DepartmentId"),
    isArchived: bool(data, "IsArchived"),
    isActive: bool(data, "IsActive"),
    isVatFree: bool(data, "IsVatFree"),
    mailAddress: toPowerOfficeAddress(obj(data, "MailAddress")),
    createdAt: isoDate(data, "CustomerCreatedDateTimeOffset") ?? isoDate(data, "CreatedDateTimeOffset"),
  };
}
