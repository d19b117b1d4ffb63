import "reflect-metadata";
import { Directive, Field, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import { GraphQLSafeInt } from "graphql-scalars";
import type { DatasetRecordRow } from "../../shared/dataset-entity.js";
import { PowerOfficeDatasetEntity } from "./poweroffice-entity.js";
import { bool, id, int, isoDate, obj, str } from "../../shared/json-fields.js";
import { PowerOfficeAddress, toPowerOfficeAddress } from "./address.js";
import { personName } from "./contact-person.js";

@ObjectType({ description: "A PowerOffice customer: a company, or a person when isPerson is true (Customers)." })
@Directive(`@key(fields: "id")`)
export class PowerOfficeCustomer extends PowerOfficeDatasetEntity {
  @Field(() => GraphQLSafeInt, { nullable: true, description: "Customer number (also the ledger account)." })
  get number(): number | null {
    return int(this.row.data, "Number");
  }

  @Field(() => Boolean, { description: "A person rather than a company." })
  get isPerson(): boolean {
    return bool(this.row.data, "IsPerson") ?? false;
  }

  @Field(() => String, { nullable: true, description: "Company name, or the person's full name." })
  get name(): string | null {
    return str(this.row.data, "Name") ?? (this.isPerson ? personName(this.firstName, this.lastName) : null);
  }

  @Field(() => String, { nullable: true })
  get legalName(): string | null {
    return str(this.row.data, "LegalName");
  }

  @Field(() => String, { nullable: true })
  get firstName(): string | null {
    return str(this.row.data, "FirstName");
  }

  @Field(() => String, { nullable: true })
  get lastName(): string | null {
    return str(this.row.data, "LastName");
  }

  @Field(() => String, { nullable: true })
  get organizationNumber(): string | null {
    return str(this.row.data, "OrganizationNumber");
  }

  @Field(() => String, { nullable: true })
  get emailAddress(): string | null {
    return str(this.row.data, "EmailAddress");
  }

  @Field(() => String, { nullable: true })
  get invoiceEmailAddress(): string | null {
    return str(this.row.data, "InvoiceEmailAddress");
  }

  @Field(() => String, { nullable: true })
  get phoneNumber(): string | null {
    return str(this.row.data, "PhoneNumber");
  }

  @Field(() => String, { nullable: true })
  get websiteUrl(): string | null {
    return str(this.row.data, "WebsiteUrl");
  }

  @Field(() => String, { nullable: true, description: "ISO 4217." })
  get currencyCode(): string | null {
    return str(this.row.data, "CurrencyCode");
  }

  @Field(() => String, { nullable: true })
  get invoiceDeliveryType(): string | null {
    return str(this.row.data, "InvoiceDeliveryType");
  }

  @Field(() => String, { nullable: true })
  get externalImportReference(): string | null {
    return str(this.row.data, "ExternalImportReference");
  }

  @Field(() => GraphQLSafeInt, { nullable: true })
  get externalNumber(): number | null {
    return int(this.row.data, "ExternalNumber");
  }

  @Field(() => ID, { nullable: true })
  get departmentId(): string | null {
    return id(this.row.data, "DepartmentId");
  }

  @Field(() => Boolean, { nullable: true })
  get isArchived(): boolean | null {
    return bool(this.row.data, "IsArchived");
  }

  @Field(() => Boolean, { nullable: true })
  get isActive(): boolean | null {
    return bool(this.row.data, "IsActive");
  }

  @Field(() => Boolean, { nullable: true })
  get isVatFree(): boolean | null {
    return bool(this.row.data, "IsVatFree");
  }

  @Field(() => PowerOfficeAddress, { nullable: true })
  get mailAddress(): PowerOfficeAddress | null {
    return toPowerOfficeAddress(obj(this.row.data, "MailAddress"));
  }

  @Field(() => GraphQLISODateTime, { nullable: true })
  get createdAt(): Date | null {
    return isoDate(this.row.data, "CustomerCreatedDateTimeOffset") ?? isoDate(this.row.data, "CreatedDateTimeOffset");
  }
}

export const CUSTOMER = "Customer";

export const toPowerOfficeCustomer = (row: DatasetRecordRow) => new PowerOfficeCustomer(row);
