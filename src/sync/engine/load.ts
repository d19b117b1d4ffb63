import type { Knex } from "knex";
import { childRecords, getRecords, recordsByEmail } from "../../datasets/read-records.js";
import type { DatasetRecord } from "../../datasets/types.js";
import { flowById } from "../flows/index.js";
import { foldedEmail } from "../flows/fields.js";
import { chargebeeRecordsNamed, linksBySource, linksByUnified, resolveLinkedIds, type LinkRow } from "../tables/links.js";
import { linkedCustomersByEmail } from "../tables/unified-records.js";
import type { ReferenceSpec } from "../model/flow-definition.js";
import type { WorkItem, FlowKey } from "../model/types.js";

const recordKey = (flow: string, sourceId: string) => `${flow}\u0000${sourceId}`;
const targetKey = (entity: string, sourceId: string) => `${entity}\u0000${sourceId}`;
const referenceKey = (reference: ReferenceSpec) =>
  `${reference.poweroffice.entity}\u0000${reference.poweroffice.sourceId}\u0000${reference.chargebeeEntity}`;

/** A Chargebee record an unlinked record can be linked to instead of creating one. */
export interface MatchCandidate {
  chargebeeId: string;
  /** The unified record it already belongs to (another flow's link), if any. */
  unifiedId: string | null;
}

/** Everything a batch needs, read with a handful of set-based queries (no per-record reads). */
export class BatchData {
  readonly sources = new Map<string, DatasetRecord>();
  readonly powerofficeLinks = new Map<string, LinkRow>();
  /** unified id → its Chargebee links (any flow). */
  readonly chargebeeLinks = new Map<string, LinkRow[]>();
  readonly targets = new Map<string, DatasetRecord>();
  readonly children = new Map<string, DatasetRecord[]>();
  readonly references = new Map<string, string>();
  /** PowerOffice records that references point at and that exist (not deleted). */
  readonly referencedExisting = new Set<string>();
  readonly byEmail = new Map<string, MatchCandidate>();
  readonly byName = new Map<string, MatchCandidate[]>();

  source(flow: FlowKey, sourceId: string): DatasetRecord | undefined {
    return this.sources.get(recordKey(flow, sourceId));
  }
  powerofficeLink(flow: FlowKey, sourceId: string): LinkRow | undefined {
    return this.powerofficeLinks.get(recordKey(flow, sourceId));
  }
  chargebeeLink(flow: FlowKey, unifiedId: string, entity: string): LinkRow | undefined {
    const links = this.chargebeeLinks.get(unifiedId) ?? [];
    return links.find((link) => link.flow === flow && link.entity === entity);
  }
  /** Any Chargebee link of this unified record to a record of this type (another flow's, for a merge). */
  anyChargebeeLink(unifiedId: string, entity: string): LinkRow | undefined {
    return (this.chargebeeLinks.get(unifiedId) ?? []).find((link) => link.entity === entity);
  }
  target(entity: string, sourceId: string): DatasetRecord | undefined {
    return this.targets.get(targetKey(entity, sourceId));
  }
  setTarget(record: DatasetRecord): void {
    this.targets.set(targetKey(record.entity, record.sourceId), record);
  }
  childrenOf(flow: FlowKey, sourceId: string): DatasetRecord[] {
    return this.children.get(recordKey(flow, sourceId)) ?? [];
  }
  resolve(reference: ReferenceSpec): string | undefined {
    return this.references.get(referenceKey(reference));
  }
  referenceExists(reference: ReferenceSpec): boolean {
    return this.referencedExisting.has(`${reference.poweroffice.entity}\u0000${reference.poweroffice.sourceId}`);
  }
  nameKey(entity: string, property: string, name: string): string {
    return `${entity}\u0000${property}\u0000${name}`;
  }
}

function groupBy<T>(values: Iterable<T>, keyOf: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) {
    const key = keyOf(value);
    const list = groups.get(key);
    if (list) list.push(value);
    else groups.set(key, [value]);
  }
  return groups;
}

async function loadTargets(knex: Knex, data: BatchData, wanted: Array<{ entity: string; id: string }>): Promise<void> {
  for (const [entity, list] of groupBy(wanted, (entry) => entry.entity)) {
    const ids = [...new Set(list.map((entry) => entry.id))].filter((id) => !data.target(entity, id));
    for (const record of await getRecords(knex, "chargebee", entity, ids)) data.setTarget(record);
  }
}

/**
 * A flow function's answer for one record, or `fallback` when it throws on that record's data: loading goes on for
 * the rest, and deciding the record throws again and quarantines it with the reason.
 */
function orNone<T>(compute: () => T, fallback: T): T {
  try {
    return compute();
  } catch {
    return fallback;
  }
}

export async function loadBatch(knex: Knex, items: readonly WorkItem[]): Promise<BatchData> {
  const data = new BatchData();
  const records = items.flatMap((item) => item.records);
  const byFlow = groupBy(records, (record) => record.flow);

  // Sources, their links, their children.
  for (const [flowId, list] of byFlow) {
    const flow = flowById(flowId as FlowKey);
    const ids = [...new Set(list.map((record) => record.sourceId))];
    for (const record of await getRecords(knex, "poweroffice", flow.source.entity, ids)) data.sources.set(recordKey(flowId, record.sourceId), record);
    for (const link of await linksBySource(knex, flowId, "poweroffice", flow.source.entity, ids)) {
      data.powerofficeLinks.set(recordKey(flowId, link.source_id), link);
    }
    if (flow.children) {
      for (const child of await childRecords(knex, "poweroffice", flow.children.entity, ids)) {
        const key = recordKey(flowId, child.parentId!);
        const list = data.children.get(key);
        if (list) list.push(child);
        else data.children.set(key, [child]);
      }
    }
  }

  // The Chargebee side of every unified record involved, and those records.
  const unifiedIds = [...new Set([...data.powerofficeLinks.values()].map((link) => link.unified_id))];
  for (const link of await linksByUnified(knex, "chargebee", unifiedIds)) {
    const list = data.chargebeeLinks.get(link.unified_id);
    if (list) list.push(link);
    else data.chargebeeLinks.set(link.unified_id, [link]);
  }
  await loadTargets(
    knex,
    data,
    [...data.chargebeeLinks.values()].flat().map((link) => ({ entity: link.entity, id: link.source_id })),
  );

  // References (an order's customer and products, a business entity), resolved through the link table.
  const references: ReferenceSpec[] = [];
  for (const record of records) {
    const flow = flowById(record.flow);
    const source = data.source(record.flow, record.sourceId);
    if (!source || source.deleted || !flow.references) continue;
    references.push(...orNone(() => flow.references!(source, data.childrenOf(record.flow, record.sourceId)), []));
  }
  for (const [pair, list] of groupBy(references, (reference) => `${reference.poweroffice.entity}\u0000${reference.chargebeeEntity}`)) {
    const [powerofficeEntity, chargebeeEntity] = pair.split("\u0000") as [string, string];
    const ids = [...new Set(list.map((reference) => reference.poweroffice.sourceId))];
    const resolved = await resolveLinkedIds(knex, powerofficeEntity, chargebeeEntity, ids);
    for (const [poId, cbId] of resolved) data.references.set(`${powerofficeEntity}\u0000${poId}\u0000${chargebeeEntity}`, cbId);
    const missing = ids.filter((id) => !resolved.has(id));
    if (missing.length > 0) {
      for (const record of await getRecords(knex, "poweroffice", powerofficeEntity, missing)) {
        if (!record.deleted) data.referencedExisting.add(`${powerofficeEntity}\u0000${record.sourceId}`);
      }
    }
  }

  // Match candidates for records without a link: same email (people), same exact name (organisations).
  const emails = new Set<string>();
  const names = new Map<string, { entity: string; property: string; names: Set<string> }>();
  for (const record of records) {
    const flow = flowById(record.flow);
    if (data.powerofficeLink(record.flow, record.sourceId)) continue;
    const source = data.source(record.flow, record.sourceId);
    if (!source || source.deleted) continue;
    if (flow.match.by === "email") {
      const email = foldedEmail(source.email);
      if (email) emails.add(email);
    } else if (flow.match.by === "name") {
      const name = orNone(() => flow.fromPowerOffice(source, { references: new Map(), children: [], target: null })[flow.fields[0]!.key], null);
      if (typeof name !== "string") continue;
      const key = `${flow.target.entity}\u0000${flow.match.chargebeeProperty}`;
      const entry = names.get(key) ?? { entity: flow.target.entity, property: flow.match.chargebeeProperty, names: new Set<string>() };
      entry.names.add(name);
      names.set(key, entry);
    }
  }
  const wantedTargets: Array<{ entity: string; id: string }> = [];
  if (emails.size > 0) {
    const list = [...emails];
    for (let start = 0; start < list.length; start += 5000) {
      const chunk = list.slice(start, start + 5000);
      for (const row of await linkedCustomersByEmail(knex, chunk)) {
        if (data.byEmail.has(row.email)) continue;
        data.byEmail.set(row.email, { chargebeeId: row.chargebeeId, unifiedId: row.unifiedId });
        wantedTargets.push({ entity: "customer", id: row.chargebeeId });
      }
      for (const row of await recordsByEmail(knex, "chargebee", "customer", chunk)) {
        if (data.byEmail.has(row.email)) continue;
        data.byEmail.set(row.email, { chargebeeId: row.sourceId, unifiedId: null });
        wantedTargets.push({ entity: "customer", id: row.sourceId });
      }
    }
  }
  for (const { entity, property, names: wanted } of names.values()) {
    const list = [...wanted];
    for (let start = 0; start < list.length; start += 5000) {
      for (const row of await chargebeeRecordsNamed(knex, entity, property, list.slice(start, start + 5000))) {
        const key = data.nameKey(entity, property, row.name);
        const found = data.byName.get(key) ?? [];
        if (!found.some((candidate) => candidate.chargebeeId === row.sourceId)) found.push({ chargebeeId: row.sourceId, unifiedId: row.unifiedId });
        data.byName.set(key, found);
        wantedTargets.push({ entity, id: row.sourceId });
      }
    }
  }
  await loadTargets(knex, data, wantedTargets);

  // The unified records of matched candidates (their other flows' Chargebee links).
  const matchedUnified = [...data.byEmail.values(), ...[...data.byName.values()].flat()]
    .map((candidate) => candidate.unifiedId)
    .filter((id): id is string => id !== null && !data.chargebeeLinks.has(id));
  for (const link of await linksByUnified(knex, "chargebee", [...new Set(matchedUnified)])) {
    const list = data.chargebeeLinks.get(link.unified_id);
    if (list) list.push(link);
    else data.chargebeeLinks.set(link.unified_id, [link]);
  }
  // Our deterministic ids may already exist in Chargebee (a create whose commit was lost): load them to link.
  const deterministic: Array<{ entity: string; id: string }> = [];
  for (const record of records) {
    const flow = flowById(record.flow);
    if (flow.create !== "create" || flow.parent || data.powerofficeLink(record.flow, record.sourceId)) continue;
    const source = data.source(record.flow, record.sourceId);
    const id = source && !source.deleted ? orNone(() => flow.targetId(source), null) : null;
    if (id) deterministic.push({ entity: flow.target.entity, id });
  }
  await loadTargets(knex, data, deterministic);
  return data;
}
