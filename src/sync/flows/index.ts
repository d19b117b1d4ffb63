import type { FlowDefinition } from "../model/flow-definition.js";
import type { CreationFlowDefinition } from "../model/creation-flow-definition.js";
import type { SystemName } from "../model/types.js";
import { checkCreationFlows, checkFlows } from "./check-flows.js";
import { creationFlowReads, flowReads, flowsOfType, flowsReadingType, type FlowReads } from "./flow-reads.js";
import { F1 } from "./f1-contact-persons.js";
import { F2 } from "./f2-employees.js";
import { F3 } from "./f3-person-customers.js";
import { F4 } from "./f4-company-customers.js";
import { F5 } from "./f5-customer-business-entities.js";
import { F6 } from "./f6-department-business-entities.js";
import { F7 } from "./f7-products.js";
import { F8 } from "./f8-sales-orders.js";
import { F9 } from "./f9-sales-order-lines.js";
import { F10 } from "./f10-chargebee-customers.js";
import { F11 } from "./f11-chargebee-items.js";
import { F12 } from "./f12-chargebee-invoices.js";

/**
 * The registry: every flow, by id, in the order people read them. Everything else that knows about flows (their
 * ids, which types a run reads, which flows a record type belongs to, stages) is derived from here, so adding a
 * flow is its file and its entry below. The registry is checked when it loads: a misconfigured flow stops the
 * process at start with a message naming it.
 */
export const FLOWS = checkFlows({ F1, F2, F3, F4, F5, F6, F7, F8, F9 });

/**
 * The flows that carry records born in Chargebee into PowerOffice: they create (or match) the PowerOffice record
 * and link the pair under a flow above, which keeps it in sync from then on (F12's invoices: under F12 itself).
 */
export const CREATION_FLOWS = checkCreationFlows({ F10, F11, F12 }, FLOWS);

export type FlowId = keyof typeof FLOWS | keyof typeof CREATION_FLOWS;
export const FLOW_IDS = [...Object.keys(FLOWS), ...Object.keys(CREATION_FLOWS)] as FlowId[];

export function isFlowId(id: string): id is FlowId {
  return Object.hasOwn(FLOWS, id) || Object.hasOwn(CREATION_FLOWS, id);
}

/** Whether this id is one of the flows that create Chargebee-born records in PowerOffice. */
export function isCreationFlowId(id: string): id is keyof typeof CREATION_FLOWS {
  return Object.hasOwn(CREATION_FLOWS, id);
}

/** A flow that keeps a pair in sync, by id; an unknown id is a programming error (ids from outside are checked with isFlowId). */
export function flowById(id: string): FlowDefinition {
  if (isCreationFlowId(id)) throw new Error(`${id} creates Chargebee-born records in PowerOffice; it links no pair of its own`);
  if (!Object.hasOwn(FLOWS, id)) throw new Error(`No flow "${id}" in the registry (known: ${FLOW_IDS.join(", ")})`);
  return FLOWS[id as keyof typeof FLOWS];
}

/** A creation flow by id. */
export function creationFlowById(id: string): CreationFlowDefinition {
  if (!isCreationFlowId(id)) throw new Error(`No creation flow "${id}" in the registry (known: ${Object.keys(CREATION_FLOWS).join(", ")})`);
  return CREATION_FLOWS[id];
}

/** Any flow by id, for what both kinds have (title, kind, source, target, dependencies). */
export function anyFlowById(id: string): FlowDefinition | CreationFlowDefinition {
  return isCreationFlowId(id) ? CREATION_FLOWS[id] : flowById(id);
}

/** "F7 Products → Chargebee items": how a flow is named to a person. */
export function flowName(id: string): string {
  return isFlowId(id) ? `${id} ${anyFlowById(id).title}` : id;
}

/** The types a run of these flows reads, per system. */
export function readsOf(ids: readonly string[]): FlowReads {
  const reads = ids.map((id) => (isCreationFlowId(id) ? creationFlowReads(CREATION_FLOWS[id]) : flowReads(FLOWS, id)));
  return {
    poweroffice: [...new Set(reads.flatMap((read) => read.poweroffice))],
    chargebee: [...new Set(reads.flatMap((read) => read.chargebee))],
  };
}

/** The flows whose own records are of this type (syncing one record runs them). */
export function flowsOfRecordType(system: SystemName, entity: string): FlowId[] {
  const creating = Object.values(CREATION_FLOWS).filter((flow) => flow.source.system === system && flow.source.entity === entity);
  return [...(flowsOfType(FLOWS, system, entity) as FlowId[]), ...creating.map((flow) => flow.id as FlowId)];
}

/**
 * Every record type some flow syncs as its own, per system (what syncing one record accepts); `withParts: false`
 * leaves out the types synced only as parts of another's records (sales order lines).
 */
export function recordTypesSynced(system: SystemName, options: { withParts?: boolean } = {}): string[] {
  const types = new Set<string>();
  for (const flow of Object.values(FLOWS)) {
    if (system === "poweroffice") {
      if (!flow.parent || options.withParts !== false) types.add(flow.source.entity);
    } else if (!flow.parent) {
      types.add(flow.target.entity);
      if (flow.outbox?.system === "chargebee") types.add(flow.outbox.entity);
    }
  }
  return [...types];
}

/** The flows that read records of this type (a record that cannot be stored is quarantined under each). */
export function flowsReading(system: SystemName, entity: string): FlowId[] {
  const creating = Object.values(CREATION_FLOWS).filter((flow) => flow.source.system === system && flow.source.entity === entity);
  return [...(flowsReadingType(FLOWS, system, entity) as FlowId[]), ...creating.map((flow) => flow.id as FlowId)];
}

export type { CreationFlowDefinition, FlowDefinition, FlowReads };
