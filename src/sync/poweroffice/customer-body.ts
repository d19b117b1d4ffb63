import type { MappedValues } from "../model/flow-definition.js";
import type { CustomerPost } from "../../connectors/poweroffice/index.js";
import { asAddress } from "../flows/address.js";

/**
 * The body of a new PowerOffice customer from a customer's unified values: a company (Name) when it has a company,
 * else a person (IsPerson, FirstName, LastName); EmailAddress, the address as MailAddress, and `key` as the
 * ExternalImportReference that finds it again after a crash (PowerOffice has no idempotency key).
 */
export function powerOfficeCustomerBody(values: MappedValues, key: string): CustomerPost {
  const person = values.company === null || values.company === undefined;
  const body: CustomerPost = person
    ? { IsPerson: true, FirstName: String(values.firstName), LastName: String(values.lastName) }
    : { IsPerson: false, Name: String(values.company) };
  body.EmailAddress = String(values.email);
  body.ExternalImportReference = key;
  const address = asAddress(values.address);
  if (address) {
    body.MailAddress = {
      AddressLine1: address.line1 ?? undefined,
      City: address.city,
      ZipCode: address.zip,
      CountryCode: address.country ?? undefined,
    };
  }
  return body;
}
