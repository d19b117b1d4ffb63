import type { FieldSpec, FlowDefinition } from "../model/flow-definition.js";
import { createChargebeeCustomer, customerEntity, updateChargebeeCustomer } from "../chargebee/writer.js";
import { patchPowerOfficeRecord } from "../poweroffice/writer.js";
import { mapFields, toChargebeeProperties, toPowerOfficeProperties } from "./fields.js";
import { ADDRESS_FIELD, customerBusinessEntity, customerProblems } from "./people.js";

const FIELDS: readonly FieldSpec[] = [
  { key: "company", poweroffice: "Name", chargebee: "company", kind: "text", maxLength: 250, required: true },
  { key: "email", poweroffice: "EmailAddress", chargebee: "email", kind: "email", maxLength: 70 },
  ADDRESS_FIELD,
];

/**
 * F4: a PowerOffice company customer ↔ a Chargebee customer (po-customer-<id>), only once a sales order in
 * PowerOffice refers to it (the create rule is part of the source condition, so the company is picked up as soon
 * as such an order is read). Organisations match on their exact name.
 */
export const F4: FlowDefinition = {
  id: "F4",
  title: "Company customers with orders → Chargebee customers",
  description:
    "PowerOffice company customers that a sales order refers to become (or are matched by exact name to) a Chargebee customer: Name↔company, EmailAddress↔email, MailAddress↔billing_address.",
  kind: "customer",
  source: { system: "poweroffice", entity: "Customer" },
  target: { system: "chargebee", entity: "customer" },
  direction: "two-way",
  dependsOn: ["F5"],
  // Referred to by an order, or linked already (a linked company keeps syncing after its orders are gone).
  sourceFilter: { where: { property: "IsPerson", is: false }, referencedBy: { entity: "SalesOrder", property: "CustomerId" }, orLinked: true },
  group: { name: "organisation", keyOf: (record) => record.name },
  fields: FIELDS,
  fromPowerOffice: (record) => mapFields(FIELDS, record, "poweroffice"),
  fromChargebee: (record) => mapFields(FIELDS, record, "chargebee"),
  validate: (values, record) => customerProblems(FIELDS, values, record, `Customer ${record.sourceId}`),
  references: (record) => {
    const reference = customerBusinessEntity(record.sourceId);
    return reference ? [reference] : [];
  },
  match: { by: "name", chargebeeProperty: "company" },
  create: "create",
  targetId: (record) => `po-customer-${record.sourceId}`,
  deletePolicy: {
    powerofficeDeleted: "unlink",
    chargebeeDeleted: "unlink",
    description: "A company deleted in PowerOffice is unlinked; its Chargebee customer and invoices stay. A Chargebee delete unlinks.",
  },
  writers: {
    createInChargebee: (ctx, input) =>
      createChargebeeCustomer(ctx, {
        id: input.id,
        properties: toChargebeeProperties(FIELDS, input.values),
        businessEntityId: input.businessEntityId,
        idempotencyKey: input.idempotencyKey,
      }),
    updateInChargebee: (ctx, input) =>
      updateChargebeeCustomer(ctx, {
        id: input.id,
        properties: toChargebeeProperties(FIELDS, input.changes),
        // An update is scoped to the entity the customer lives in (it may have been matched, not created by us).
        businessEntityId: customerEntity(input.target) ?? input.businessEntityId,
      }),
    updateInPowerOffice: (ctx, input) => patchPowerOfficeRecord(ctx, input.record, toPowerOfficeProperties(FIELDS, input.changes)),
  },
};
