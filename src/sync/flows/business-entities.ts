import type { FieldSpec, FlowDefinition } from "../model/flow-definition.js";
import { patchPowerOfficeRecord } from "../poweroffice/writer.js";
import { fieldProblems, mapFields, toPowerOfficeProperties } from "./fields.js";

const FIELDS: readonly FieldSpec[] = [{ key: "name", poweroffice: "Name", chargebee: "name", kind: "text", required: true }];

/**
 * F5, F6: link a PowerOffice record to an existing Chargebee business entity with exactly the same name. Chargebee's
 * API cannot create or rename business entities, so nothing is created: a record with no match is reported as
 * unmatched (create one with that name in Chargebee's admin, or link it by hand), and a PowerOffice rename of a
 * linked record is reported until the entity is renamed in Chargebee. A rename in Chargebee reaches PowerOffice.
 */
export function businessEntityFlow(options: {
  id: string;
  title: string;
  description: string;
  entity: "Customer" | "Department";
  label: string;
}): FlowDefinition {
  return {
    id: options.id,
    title: options.title,
    description: options.description,
    kind: "business_entity",
    source: { system: "poweroffice", entity: options.entity },
    target: { system: "chargebee", entity: "business_entity" },
    direction: "two-way",
    dependsOn: [],
    fields: FIELDS,
    fromPowerOffice: (record) => mapFields(FIELDS, record, "poweroffice"),
    fromChargebee: (record) => mapFields(FIELDS, record, "chargebee"),
    validate: (values, record) => fieldProblems(FIELDS, values, `${options.label} ${record.sourceId}`),
    match: { by: "name", chargebeeProperty: "name" },
    create: "link-only",
    targetId: (record) => `po-${options.entity.toLowerCase()}-${record.sourceId}`,
    deletePolicy: {
      powerofficeDeleted: "unlink",
      chargebeeDeleted: "unlink",
      description: "Either side deleted: the link is closed. Business entities are never created or deleted by the sync.",
    },
    writers: {
      updateInPowerOffice: (ctx, input) => patchPowerOfficeRecord(ctx, input.record, toPowerOfficeProperties(FIELDS, input.changes)),
    },
  };
}
