import type { CreationFlowDefinition } from "../model/creation-flow-definition.js";
import type { DatasetRecord } from "../../datasets/types.js";
import { createPowerOfficeRecordOnce } from "../poweroffice/writer.js";
import { cleanText, fieldProblems } from "./fields.js";
import { powerOfficeAddressProblem } from "./address.js";
import { powerOfficeCustomerBody } from "../poweroffice/customer-body.js";
import { F3 } from "./f3-person-customers.js";
import { F4 } from "./f4-company-customers.js";

/** A Chargebee customer with a company name is a company in PowerOffice; without one, a person. */
function isCompany(record: DatasetRecord): boolean {
  return cleanText(record.data.company) !== null;
}

/**
 * F10: a Chargebee customer that nothing in PowerOffice stands for (made at checkout or in Chargebee's admin) →
 * a PowerOffice customer: a person customer (IsPerson, FirstName, LastName, EmailAddress) without a company, a
 * company customer (Name from company, EmailAddress) with one, each with its billing address as MailAddress. A person whose email is already a PowerOffice
 * contact person, employee or person customer, and a company whose name is a PowerOffice company's, is linked to
 * that record instead. The pair is then kept in sync by F3 or F4.
 */
export const F10: CreationFlowDefinition = {
  id: "F10",
  title: "Chargebee customers → PowerOffice customers",
  description:
    "Chargebee customers not linked to anything become a PowerOffice person customer (no company) or company customer (with a company), " +
    "unless a PowerOffice person with the same email or a company with the same name is there to link to; F3 or F4 keeps the pair in sync.",
  kind: "customer",
  source: { system: "chargebee", entity: "customer" },
  target: { system: "poweroffice", entity: "Customer" },
  direction: "chargebee-to-poweroffice",
  dependsOn: ["F1", "F2", "F3", "F4"],
  alsoReads: { poweroffice: ["ContactPerson", "Employee"] },
  pairedFlow: (record) => (isCompany(record) ? F4.id : F3.id),
  skipReason: (record) => (record.sourceId.startsWith("po-") ? "made by this sync for a PowerOffice record" : null),
  validate: (values, record) => {
    const problem = fieldProblems((isCompany(record) ? F4 : F3).fields, values, `Chargebee customer ${record.sourceId}`, "chargebee");
    if (problem) return problem;
    const address = powerOfficeAddressProblem(values.address, `Chargebee customer ${record.sourceId}`);
    if (address) return address;
    if (!values.email) {
      return `Chargebee customer ${record.sourceId} has no email, and PowerOffice needs one to send its invoices: add an email in Chargebee`;
    }
    return null;
  },
  matchFor: (record) =>
    isCompany(record)
      ? { by: "name", poweroffice: { entity: "Customer", property: "Name", flow: F4.id, where: { property: "IsPerson", is: false } } }
      : {
          by: "email",
          poweroffice: [
            { entity: "ContactPerson", flow: "F1" },
            { entity: "Employee", flow: "F2" },
            { entity: "Customer", flow: F3.id, where: { property: "IsPerson", is: true } },
          ],
        },
  createInPowerOffice: (ctx, input) => {
    const key = input.source.sourceId;
    // A company customer takes no first or last name: only the fields of the flow that keeps it.
    const values = isCompany(input.source) ? { ...input.values, firstName: null, lastName: null } : { ...input.values, company: null };
    return createPowerOfficeRecordOnce(ctx, {
      entity: "Customer",
      key,
      outbox: input.outbox,
      lookup: async () => ((await ctx.poweroffice.findCustomersByExternalImportReference(key))[0] as Record<string, unknown> | undefined) ?? null,
      create: async () => (await ctx.poweroffice.create("Customers", powerOfficeCustomerBody(values, key))) as unknown as Record<string, unknown>,
    });
  },
  deletePolicy: { description: "Once created or linked, the pair follows F3's or F4's delete policy; an unlinked pair is never created again." },
};
