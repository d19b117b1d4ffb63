import type { DatasetRecord } from "../../datasets/types.js";
import type { FieldSpec, FlowDefinition, MappedValues, ReferenceSpec, SourceFilter } from "../model/flow-definition.js";
import { powerOfficeAddressProblem } from "./address.js";
import { createChargebeeCustomer, customerEntity, updateChargebeeCustomer } from "../chargebee/writer.js";
import { patchPowerOfficeRecord } from "../poweroffice/writer.js";
import { fieldProblems, mapFields, sameValue, toChargebeeProperties, toPowerOfficeProperties } from "./fields.js";

/** Chargebee's customer limits: first_name/last_name ≤ 150, email ≤ 70. */
export const PERSON_FIELDS: readonly FieldSpec[] = [
  { key: "email", poweroffice: "EmailAddress", chargebee: "email", kind: "email", maxLength: 70 },
  { key: "firstName", poweroffice: "FirstName", chargebee: "first_name", kind: "text", maxLength: 150, required: true },
  { key: "lastName", poweroffice: "LastName", chargebee: "last_name", kind: "text", maxLength: 150, required: true },
];

/** PowerOffice's MailAddress ↔ Chargebee's billing_address (a customer's, F3 and F4; flows/address.ts). */
export const ADDRESS_FIELD: FieldSpec = { key: "address", poweroffice: "MailAddress", chargebee: "billing_address", kind: "address" };

/**
 * Why values cannot be written to PowerOffice: the fields' problems, and an address from Chargebee (one that differs
 * from the record's own) without the City and ZipCode PowerOffice needs.
 */
export function customerProblems(fields: readonly FieldSpec[], values: MappedValues, record: DatasetRecord, label: string): string | null {
  const problem = fieldProblems(fields, values, label);
  if (problem || !fields.includes(ADDRESS_FIELD)) return problem;
  const own = mapFields([ADDRESS_FIELD], record, "poweroffice").address;
  return sameValue(ADDRESS_FIELD, own, values.address) ? null : powerOfficeAddressProblem(values.address, label);
}

/** People in several roles with one email are one Chargebee customer: they share the group "person:<email>". */
export const PERSON_GROUP = {
  name: "person",
  keyOf: (record: Pick<DatasetRecord, "email">): string | null => record.email,
};

export interface PersonFlowOptions {
  id: string;
  title: string;
  description: string;
  entity: "ContactPerson" | "Employee" | "Customer";
  /** Chargebee id prefix: po-contactperson-123. */
  idPrefix: string;
  sourceFilter?: SourceFilter;
  label: string;
  dependsOn?: string[];
  /** Fields besides email, first and last name (F3: the address). */
  extraFields?: readonly FieldSpec[];
  /** Where the business entity a write is scoped to comes from. */
  businessEntityOf?(record: DatasetRecord): ReferenceSpec | null;
}

/** F1, F2, F3: a PowerOffice person ↔ a Chargebee customer (email, first and last name), matched by email. */
export function personFlow(options: PersonFlowOptions): FlowDefinition {
  const fields = [...PERSON_FIELDS, ...(options.extraFields ?? [])];
  return {
    id: options.id,
    title: options.title,
    description: options.description,
    kind: "customer",
    source: { system: "poweroffice", entity: options.entity },
    target: { system: "chargebee", entity: "customer" },
    direction: "two-way",
    dependsOn: options.dependsOn ?? [],
    sourceFilter: options.sourceFilter,
    group: PERSON_GROUP,
    fields,
    fromPowerOffice: (record) => mapFields(fields, record, "poweroffice"),
    fromChargebee: (record) => mapFields(fields, record, "chargebee"),
    validate: (values, record) => customerProblems(fields, values, record, `${options.label} ${record.sourceId}`),
    references: (record) => {
      const reference = options.businessEntityOf?.(record);
      return reference ? [reference] : [];
    },
    match: { by: "email" },
    create: "create",
    targetId: (record) => `${options.idPrefix}-${record.sourceId}`,
    deletePolicy: {
      powerofficeDeleted: "unlink",
      chargebeeDeleted: "unlink",
      description:
        "A person deleted in PowerOffice is unlinked; the Chargebee customer stays (it may carry subscriptions and invoices). " +
        "A customer deleted in Chargebee is unlinked; the PowerOffice record is never deleted by the sync.",
    },
    writers: {
      createInChargebee: (ctx, input) =>
        createChargebeeCustomer(ctx, {
          id: input.id,
          properties: toChargebeeProperties(fields, input.values),
          businessEntityId: input.businessEntityId,
          idempotencyKey: input.idempotencyKey,
        }),
      updateInChargebee: (ctx, input) =>
        updateChargebeeCustomer(ctx, {
          id: input.id,
          properties: toChargebeeProperties(fields, input.changes),
          // An update is scoped to the entity the customer lives in (it may have been matched, not created by us).
          businessEntityId: customerEntity(input.target) ?? input.businessEntityId,
        }),
      updateInPowerOffice: (ctx, input) => patchPowerOfficeRecord(ctx, input.record, toPowerOfficeProperties(fields, input.changes)),
    },
  };
}

/** The business entity of a PowerOffice customer (F5 link), when it has one. */
export function customerBusinessEntity(customerId: string | null): ReferenceSpec | null {
  if (!customerId) return null;
  return {
    role: "businessEntity",
    poweroffice: { entity: "Customer", sourceId: customerId },
    chargebeeEntity: "business_entity",
    required: false,
    waitingFor: `the business entity of customer ${customerId}`,
  };
}

export function departmentBusinessEntity(departmentId: unknown): ReferenceSpec | null {
  if (departmentId === null || departmentId === undefined || departmentId === "") return null;
  return {
    role: "businessEntity",
    poweroffice: { entity: "Department", sourceId: String(departmentId) },
    chargebeeEntity: "business_entity",
    required: false,
    waitingFor: `the business entity of department ${String(departmentId)}`,
  };
}
