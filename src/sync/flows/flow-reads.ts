import type { CreationFlowDefinition } from "../model/creation-flow-definition.js";
import type { FlowDefinition } from "../model/flow-definition.js";
import type { SystemName } from "../model/types.js";

/** The types a run of some flows reads, per system. */
export interface FlowReads {
  poweroffice: string[];
  chargebee: string[];
}

type Registry = Readonly<Record<string, FlowDefinition>>;

/**
 * What a flow needs read: its source and target types, the type its filter refers to (F4: sales orders), its
 * outbox's, and what it reads besides (F7: item families and prices). A child flow (F9) is read with its parent.
 */
export function flowReads(flows: Registry, id: string): FlowReads {
  const flow = flows[id]!;
  if (flow.parent) return flowReads(flows, flow.parent.flow);
  const reads: FlowReads = { poweroffice: [flow.source.entity], chargebee: [flow.target.entity] };
  if (flow.sourceFilter?.referencedBy) reads.poweroffice.push(flow.sourceFilter.referencedBy.entity);
  if (flow.outbox) reads[flow.outbox.system].push(flow.outbox.entity);
  reads.poweroffice.push(...(flow.alsoReads?.poweroffice ?? []));
  reads.chargebee.push(...(flow.alsoReads?.chargebee ?? []));
  return { poweroffice: [...new Set(reads.poweroffice)], chargebee: [...new Set(reads.chargebee)] };
}

/**
 * The flows whose own records are of this type: the source (PowerOffice) or target and outbox (Chargebee) type,
 * with their child flows (an order's lines). Syncing one record runs these.
 */
export function flowsOfType(flows: Registry, system: SystemName, entity: string): string[] {
  const own = Object.values(flows).filter((flow) =>
    system === "poweroffice"
      ? flow.source.entity === entity
      : !flow.parent && (flow.target.entity === entity || (flow.outbox?.system === "chargebee" && flow.outbox.entity === entity)),
  );
  const ids = new Set(own.map((flow) => flow.id));
  for (const flow of Object.values(flows)) if (flow.parent && ids.has(flow.parent.flow)) ids.add(flow.id);
  return Object.keys(flows).filter((id) => ids.has(id));
}

/** The flows that read records of this type (a sales order line is read with its order). */
export function flowsReadingType(flows: Registry, system: SystemName, entity: string): string[] {
  const childOf = Object.values(flows).find((flow) => flow.parent && flow.source.entity === entity);
  const read = system === "poweroffice" && childOf ? flows[childOf.parent!.flow]!.source.entity : entity;
  return Object.keys(flows).filter((id) => flowReads(flows, id)[system].includes(read));
}

/** What a creation flow needs read: its Chargebee type, the PowerOffice type it creates and those it matches against. */
export function creationFlowReads(flow: CreationFlowDefinition): FlowReads {
  return {
    poweroffice: [...new Set([flow.target.entity, ...(flow.alsoReads?.poweroffice ?? [])])],
    chargebee: [...new Set([flow.source.entity, ...(flow.alsoReads?.chargebee ?? [])])],
  };
}
