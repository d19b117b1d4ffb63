import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import { recordPresence } from "../../datasets/read-records.js";
import type { SystemName } from "../../config/config.js";
import { SyncCommandError } from "../model/errors.js";
import { creationFlowById, flowById, isCreationFlowId, type FlowId, FLOW_IDS } from "../flows/index.js";
import { insertEvents } from "../tables/events.js";
import {
  activeLink,
  activeLinkOfUnified,
  activeLinksOfUnified,
  activeLinksOfRecord,
  closeLinks,
  hasOtherPowerOfficeLink,
  linkPairByHand,
  queueOverrides,
} from "../tables/links.js";
import { insertPendingUnifiedRecord, markUnlinkedWhereNoLinkLeft } from "../tables/unified-records.js";

function requireFlow(flow: unknown): FlowId {
  if (typeof flow !== "string" || !(FLOW_IDS as readonly string[]).includes(flow)) {
    throw new SyncCommandError("BAD_USER_INPUT", `Unknown flow "${String(flow)}"; use one of ${FLOW_IDS.join(", ")}`);
  }
  return flow as FlowId;
}

function requireText(value: unknown, name: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new SyncCommandError("BAD_USER_INPUT", `${name} is required`);
  return value.trim();
}

/** Makes the engine look at these records again on the next run. */
async function replan(trx: Knex, flow: string, records: Array<{ system: SystemName; entity: string; sourceId: string }>): Promise<void> {
  for (const record of records) {
    await trx("sync_record_state").where({ flow, system: record.system, entity: record.entity, source_id: record.sourceId }).delete();
  }
}

export interface LinkRecordsInput {
  flow: FlowId;
  /** PowerOffice id of the flow's source type (e.g. a ContactPerson id for F1). */
  powerofficeId: string;
  /** Chargebee id of the flow's target type (a customer id, a business entity id …). */
  chargebeeId: string;
  requestedBy?: string;
}

export interface LinkRecordsResult {
  unifiedId: string;
  flow: FlowId;
  powerofficeId: string;
  chargebeeId: string;
}

/**
 * Links a PowerOffice record to an existing Chargebee record by hand (e.g. an unmatched department to a business
 * entity). The next sync compares both as a new link: filled values fill blanks, differing values go to the newer
 * change (then SYNC_PRIORITY).
 */
export async function linkRecords(knex: Knex, input: LinkRecordsInput): Promise<LinkRecordsResult> {
  const flowId = requireFlow(input.flow);
  if (isCreationFlowId(flowId)) {
    const creation = creationFlowById(flowId);
    throw new SyncCommandError(
      "BAD_USER_INPUT",
      `${flowId} creates PowerOffice records for Chargebee ones and keeps no links of its own: link under the flow of the PowerOffice record (${creation.dependsOn.join(", ")})`,
    );
  }
  const flow = flowById(flowId);
  if (flow.parent) throw new SyncCommandError("BAD_USER_INPUT", `${flowId} records are linked with their parent (${flow.parent.flow})`);
  const powerofficeId = requireText(input.powerofficeId, "powerofficeId");
  const chargebeeId = requireText(input.chargebeeId, "chargebeeId");
  return knex.transaction(async (trx) => {
    const source = await recordPresence(trx, "poweroffice", flow.source.entity, powerofficeId);
    if (!source)
      throw new SyncCommandError("NOT_FOUND", `PowerOffice ${flow.source.entity} ${powerofficeId} is not in the datasets (run a sync first?)`);
    if (source.deleted) throw new SyncCommandError("BAD_USER_INPUT", `PowerOffice ${flow.source.entity} ${powerofficeId} is deleted`);
    const target = await recordPresence(trx, "chargebee", flow.target.entity, chargebeeId);
    if (!target) throw new SyncCommandError("NOT_FOUND", `Chargebee ${flow.target.entity} ${chargebeeId} is not in the datasets (run a sync first?)`);
    if (target.deleted) throw new SyncCommandError("BAD_USER_INPUT", `Chargebee ${flow.target.entity} ${chargebeeId} is deleted`);
    const existing = await activeLink(trx, { flow: flowId, system: "poweroffice", entity: flow.source.entity, sourceId: powerofficeId });
    if (existing) {
      const other = await activeLinkOfUnified(trx, existing.unified_id, flowId, "chargebee");
      if (other?.source_id === chargebeeId) return { unifiedId: existing.unified_id, flow: flowId, powerofficeId, chargebeeId };
      throw new SyncCommandError(
        "CONFLICT",
        `PowerOffice ${flow.source.entity} ${powerofficeId} is already linked in ${flowId}${other ? ` to Chargebee ${other.source_id}` : ""}; unlink it first`,
      );
    }
    // Join the unified record the Chargebee side already belongs to (a person in several roles), or start one.
    const targetLink = await activeLink(trx, { system: "chargebee", entity: flow.target.entity, sourceId: chargebeeId });
    const unifiedId = targetLink?.unified_id ?? randomUUID();
    if (!targetLink) await insertPendingUnifiedRecord(trx, unifiedId, flow.kind);
    await linkPairByHand(trx, unifiedId, flowId, [
      { system: "poweroffice", entity: flow.source.entity, sourceId: powerofficeId },
      { system: "chargebee", entity: flow.target.entity, sourceId: chargebeeId },
    ]);
    await replan(trx, flowId, [
      { system: "poweroffice", entity: flow.source.entity, sourceId: powerofficeId },
      { system: "chargebee", entity: flow.target.entity, sourceId: chargebeeId },
    ]);
    await insertEvents(trx, null, [
      {
        unifiedId,
        flow: flowId,
        system: "poweroffice",
        entity: flow.source.entity,
        sourceId: powerofficeId,
        action: "link",
        detail: { chargebeeId, by: input.requestedBy ?? null, manual: true },
      },
    ]);
    return { unifiedId, flow: flowId, powerofficeId, chargebeeId };
  });
}

export interface UnlinkRecordInput {
  system: SystemName;
  /** The dataset entity (e.g. ContactPerson, customer). */
  entity: string;
  sourceId: string;
  /** Only this flow's link; default every flow. */
  flow?: FlowId;
  requestedBy?: string;
}

/**
 * Closes the links of a record (and the other side of each). Nothing is deleted in either system. A later change of
 * the PowerOffice record links it again by the flow's matching rule.
 */
export async function unlinkRecord(knex: Knex, input: UnlinkRecordInput): Promise<{ unlinked: number; unifiedIds: string[] }> {
  if (input.system !== "poweroffice" && input.system !== "chargebee")
    throw new SyncCommandError("BAD_USER_INPUT", `system must be "poweroffice" or "chargebee"`);
  const entity = requireText(input.entity, "entity");
  const sourceId = requireText(input.sourceId, "sourceId");
  const flow = input.flow === undefined ? undefined : requireFlow(input.flow);
  return knex.transaction(async (trx) => {
    const links = await activeLinksOfRecord(trx, { system: input.system, entity, sourceId, flow });
    if (links.length === 0)
      throw new SyncCommandError("NOT_FOUND", `${input.system} ${entity} ${sourceId} has no active link${flow ? ` in ${flow}` : ""}`);
    let unlinked = 0;
    for (const link of links) {
      // A merged Chargebee customer keeps its links to other PowerOffice records; only this pair closes.
      const keepsOthers = input.system === "poweroffice" && (await hasOtherPowerOfficeLink(trx, link.unified_id, link.flow, sourceId));
      unlinked += await closeLinks(trx, link.unified_id, link.flow, keepsOthers ? { system: "poweroffice", sourceId } : undefined);
      await insertEvents(trx, null, [
        {
          unifiedId: link.unified_id,
          flow: link.flow,
          system: input.system,
          entity,
          sourceId,
          action: "unlink",
          detail: { by: input.requestedBy ?? null, manual: true },
        },
      ]);
    }
    const unifiedIds = [...new Set(links.map((link) => link.unified_id))];
    await markUnlinkedWhereNoLinkLeft(trx, unifiedIds);
    return { unlinked, unifiedIds };
  });
}

export interface ResolveConflictInput {
  conflictId: number | string;
  /** Keep this side's value … */
  winner?: SystemName;
  /** … or this value (JSON). */
  value?: unknown;
  resolvedBy: string;
}

/**
 * Resolves a recorded conflict. If the chosen value is not what the sync already wrote, it is queued on the link
 * and the next sync writes it to whichever side differs.
 */
export async function resolveConflict(knex: Knex, input: ResolveConflictInput) {
  const id = Number(input.conflictId);
  if (!Number.isInteger(id) || id <= 0) throw new SyncCommandError("BAD_USER_INPUT", "conflictId must be a positive integer");
  if (input.winner === undefined && input.value === undefined) throw new SyncCommandError("BAD_USER_INPUT", "give either winner or value");
  if (input.winner !== undefined && input.winner !== "poweroffice" && input.winner !== "chargebee") {
    throw new SyncCommandError("BAD_USER_INPUT", `winner must be "poweroffice" or "chargebee"`);
  }
  return knex.transaction(async (trx) => {
    const conflict = await trx("conflicts").where({ id }).first();
    if (!conflict) throw new SyncCommandError("NOT_FOUND", `Conflict ${id} does not exist`);
    if (conflict.status === "resolved")
      throw new SyncCommandError("CONFLICT", `Conflict ${id} was already resolved by ${conflict.resolved_by ?? "someone"}`);
    const value = input.value !== undefined ? input.value : input.winner === "poweroffice" ? conflict.poweroffice_value : conflict.chargebee_value;
    const links = await activeLinksOfUnified(trx, conflict.unified_id, conflict.flow);
    const agreedNow = links.find((link) => link.system === "poweroffice")?.agreed?.[conflict.field];
    // A manual conflict wrote neither side: the chosen value is queued even when it is the one agreed before.
    if (conflict.policy === "manual" || JSON.stringify(agreedNow ?? null) !== JSON.stringify(value ?? null)) {
      for (const link of links.filter((row) => row.system === "poweroffice")) {
        await queueOverrides(trx, link, { [conflict.field]: value }, { why: "resolution", who: input.resolvedBy });
        await replan(trx, link.flow, [{ system: "poweroffice", entity: link.entity, sourceId: link.source_id }]);
      }
    }
    const [updated] = await trx("conflicts")
      .where({ id })
      .update({ status: "resolved", resolved_by: input.resolvedBy, resolved_value: JSON.stringify(value ?? null), resolved_at: trx.fn.now() })
      .returning("*");
    return updated as Record<string, unknown>;
  });
}

export interface RetryQuarantinedInput {
  /** The quarantine row id … */
  id?: number | string;
  /** … or the record. */
  flow?: FlowId;
  system?: SystemName;
  entity?: string;
  sourceId?: string;
  requestedBy?: string;
}

/** Releases a quarantined record: the next sync tries it again even if it did not change. */
export async function retryQuarantined(knex: Knex, input: RetryQuarantinedInput) {
  return knex.transaction(async (trx) => {
    const builder = trx("quarantine");
    if (input.id !== undefined) {
      const id = Number(input.id);
      if (!Number.isInteger(id) || id <= 0) throw new SyncCommandError("BAD_USER_INPUT", "id must be a positive integer");
      builder.where({ id });
    } else {
      const flow = requireFlow(input.flow);
      builder.where({ flow, system: input.system ?? "poweroffice", source_id: requireText(input.sourceId, "sourceId") });
      if (input.entity) builder.where({ entity: input.entity });
    }
    const row = await builder.first();
    if (!row) throw new SyncCommandError("NOT_FOUND", "No such quarantined record");
    if (row.status !== "open") throw new SyncCommandError("CONFLICT", `Quarantined record ${row.id} is already ${row.status}`);
    const [released] = await trx("quarantine").where({ id: row.id }).update({ status: "released", last_seen_at: trx.fn.now() }).returning("*");
    await replan(trx, row.flow, [{ system: row.system, entity: row.entity, sourceId: row.source_id }]);
    return released as Record<string, unknown>;
  });
}
