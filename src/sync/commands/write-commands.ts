import type { Knex } from "knex";
import type { SystemName } from "../../config/config.js";
import { getRecords } from "../../datasets/read-records.js";
import type { DatasetRecord } from "../../datasets/types.js";
import { mapFields, sameValue } from "../flows/fields.js";
import { flowById, flowsOfRecordType, isCreationFlowId } from "../flows/index.js";
import { SyncCommandError } from "../model/errors.js";
import type { FieldValue, FlowDefinition, MappedValues, UnifiedKind } from "../model/flow-definition.js";
import { FINISHED_STATUSES } from "../runs/run-store.js";
import type { SyncRunRow } from "../runs/types.js";
import { waitForRun } from "../runs/wait.js";
import { OVERRIDES_KEY, dropOverrides, queueOverrides, type LinkRow } from "../tables/links.js";
import { enqueueRun, type SyncCommandDeps } from "./run-commands.js";
import { SYSTEM_NAMES, checkValues, normaliseValue } from "./unified-values.js";

/** How long a mutation waits for the sync that writes its values before it answers with what is still pending. */
export const DEFAULT_WRITE_WAIT_MS = 30_000;

export interface UpdateUnifiedInput {
  kind: Extract<UnifiedKind, "customer" | "item">;
  unifiedId: string;
  /** New values by unified field (email, firstName, lastName, company, address; an item's name); null clears. */
  values: Readonly<Record<string, FieldValue>>;
  /** The API key's name: the history's who, the run's requestedBy. */
  requestedBy: string;
  waitMs?: number;
}

/** One record a write went to, and what became of it. */
export interface RecordWrite {
  flow: string;
  system: SystemName;
  entity: string;
  sourceId: string;
  fields: string[];
  /** written: it took the values; unchanged: it held them already; pending: the sync has not written it yet. */
  status: "written" | "unchanged" | "pending";
}

export interface UpdateUnifiedResult {
  unifiedId: string;
  run: SyncRunRow;
  writes: RecordWrite[];
  /** False when the wait ended before the run did (or the run left a record for later): the sync finishes the rest. */
  complete: boolean;
}

/** A PowerOffice link that holds some of the fields, with its Chargebee partner and both dataset records. */
interface WriteTarget {
  flow: FlowDefinition;
  link: LinkRow;
  partner: LinkRow | null;
  source: DatasetRecord;
  target: DatasetRecord | null;
  values: MappedValues;
}

/**
 * Writes new values of a unified customer or item to every record linked to it, in both systems, through the sync:
 * the values are checked against both APIs' rules first (a refused value changes nothing), queued on the links as a
 * person's choice, and a sync of the record writes them (mapping, outbox, idempotency and link update as any sync
 * write). Waits for that sync, and says per record whether it took the values; a value a system refuses comes back
 * as BAD_USER_INPUT naming the field and the system, and is not tried again.
 */
export async function updateUnified(deps: SyncCommandDeps, input: UpdateUnifiedInput): Promise<UpdateUnifiedResult> {
  const requestedBy = input.requestedBy.trim().slice(0, 200) || "unknown";
  const fields = Object.keys(input.values);
  if (fields.length === 0) throw new SyncCommandError("BAD_USER_INPUT", "Give at least one field to change");
  const unified = await deps.knex("unified_records").where({ id: input.unifiedId }).first("id", "kind");
  if (!unified || unified.kind !== input.kind) throw new SyncCommandError("NOT_FOUND", `No ${input.kind} has id ${input.unifiedId}`);

  const linked = await writeTargets(deps.knex, input);
  for (const field of fields) {
    if (!linked.some((target) => field in target.values)) {
      const names = linked.map((target) => `${target.flow.id} ${target.source.entity} ${target.source.sourceId}`).join(", ");
      throw new SyncCommandError("BAD_USER_INPUT", `${field}: no record linked to this ${input.kind} holds it (linked: ${names})`, { field });
    }
  }
  const targets = linked.filter((target) => Object.keys(target.values).length > 0);
  for (const target of targets) checkWritable(target, input.values);

  await deps.knex.transaction(async (trx) => {
    for (const target of targets) {
      await queueOverrides(trx, target.link, target.values, { why: "mutation", who: requestedBy });
      // The record is planned again even though it did not change.
      await trx("sync_record_state")
        .where({ flow: target.flow.id, system: "poweroffice", entity: target.source.entity, source_id: target.source.sourceId })
        .delete();
    }
  });
  // Queued after the values are: a crash in between leaves them for the next sync, which writes them the same way.
  const anchor = targets.find((target) => target.partner) ?? targets[0]!;
  const record = anchor.partner
    ? { system: "chargebee" as const, entity: anchor.partner.entity, sourceId: anchor.partner.source_id }
    : { system: "poweroffice" as const, entity: anchor.source.entity, sourceId: anchor.source.sourceId };
  const queued = await enqueueRun(deps, { flows: flowsOfRecordType(record.system, record.entity), mode: "incremental", requestedBy, record });
  const run = await waitOrLeave(deps.knex, queued, input.waitMs ?? DEFAULT_WRITE_WAIT_MS);
  return outcome(deps.knex, input, targets, run);
}

/** The linked PowerOffice records of the two-way flows of this kind, with the given fields each takes (maybe none). */
async function writeTargets(knex: Knex, input: UpdateUnifiedInput): Promise<WriteTarget[]> {
  const links = (await knex<LinkRow>("links")
    .where({ unified_id: input.unifiedId })
    .whereNot("status", "deleted")
    .orderBy(["flow", "id"])) as LinkRow[];
  const candidates = links.filter((row) => {
    if (row.system !== "poweroffice" || isCreationFlowId(row.flow)) return false;
    const flow = flowById(row.flow as Parameters<typeof flowById>[0]);
    return flow.kind === input.kind && flow.direction === "two-way" && !flow.parent;
  });
  const partners = new Map(candidates.map((link) => [link.id, links.find((row) => row.system === "chargebee" && row.flow === link.flow) ?? null]));
  const records = await recordsOf(knex, [...candidates, ...[...partners.values()].filter((row) => row !== null)]);
  const targets: WriteTarget[] = [];
  for (const link of candidates) {
    const flow = flowById(link.flow as Parameters<typeof flowById>[0]);
    const values: MappedValues = {};
    for (const field of flow.fields) if (field.key in input.values) values[field.key] = normaliseValue(field, input.values[field.key]!);
    const partner = partners.get(link.id) ?? null;
    const source = records.get(recordKey(link));
    if (!source || source.deleted) continue;
    const target = partner ? (records.get(recordKey(partner)) ?? null) : null;
    targets.push({ flow, link, partner, source, target, values });
  }
  if (targets.length === 0) {
    throw new SyncCommandError(
      "BAD_USER_INPUT",
      `This ${input.kind} has no linked PowerOffice record a two-way flow syncs; wait for the sync to link it, or link it by hand`,
    );
  }
  return targets;
}

const recordKey = (link: Pick<LinkRow, "system" | "entity" | "source_id">) => `${link.system}\u0000${link.entity}\u0000${link.source_id}`;

/** The stored records of these links, one query per record type, by recordKey. */
async function recordsOf(knex: Knex, links: readonly LinkRow[]): Promise<Map<string, DatasetRecord>> {
  const byType = new Map<string, { system: SystemName; entity: string; ids: string[] }>();
  for (const link of links) {
    const type = `${link.system}\u0000${link.entity}`;
    const group = byType.get(type) ?? { system: link.system as SystemName, entity: link.entity, ids: [] };
    group.ids.push(link.source_id);
    byType.set(type, group);
  }
  const found = new Map<string, DatasetRecord>();
  for (const group of byType.values()) {
    for (const record of await getRecords(knex, group.system, group.entity, group.ids)) {
      found.set(recordKey({ system: record.system, entity: record.entity, source_id: record.sourceId }), record);
    }
  }
  return found;
}

/** Refuses what either API would refuse, before anything is queued: the field, the system and why. */
function checkWritable(target: WriteTarget, requested: Readonly<Record<string, FieldValue>>): void {
  checkValues(target.flow.fields, target.values, requested);
  // The record's own rules over what it would hold (a company name PowerOffice requires, an address's parts …).
  const current = mapFields(target.flow.fields, target.source, "poweroffice");
  const problem = target.flow.validate({ ...current, ...target.values }, target.source, {
    references: new Map(),
    children: [],
    target: target.target,
  });
  if (problem) {
    throw new SyncCommandError("BAD_USER_INPUT", `PowerOffice ${target.source.entity} ${target.source.sourceId} cannot take the change: ${problem}`, {
      field: Object.keys(target.values)[0],
      system: "POWEROFFICE",
    });
  }
}

/** Waits for the run up to waitMs (0: not at all); the run as it is then. */
export async function waitOrLeave(knex: Knex, run: SyncRunRow, waitMs: number): Promise<SyncRunRow> {
  if (waitMs <= 0) return run;
  try {
    return await waitForRun(knex, run.id, { timeoutMs: waitMs, intervalMs: 100 });
  } catch (error) {
    if (!/did not finish/.test((error as Error).message)) throw error;
    return run;
  }
}

/** What each record holds now; a value a system refused is taken back and answered as BAD_USER_INPUT. */
async function outcome(knex: Knex, input: UpdateUnifiedInput, targets: WriteTarget[], run: SyncRunRow): Promise<UpdateUnifiedResult> {
  const finished = FINISHED_STATUSES.includes(run.status);
  const writes: RecordWrite[] = [];
  let complete = finished;
  for (const target of targets) {
    const fields = Object.keys(target.values);
    const sides = [
      { system: "poweroffice" as const, entity: target.source.entity, sourceId: target.source.sourceId },
      ...(target.partner ? [{ system: "chargebee" as const, entity: target.partner.entity, sourceId: target.partner.source_id }] : []),
    ];
    const quarantined = finished
      ? await knex("quarantine")
          .where({ flow: target.flow.id, system: "poweroffice", entity: target.source.entity, source_id: target.source.sourceId, status: "open" })
          .where("last_seen_at", ">=", run.startedAt ?? run.createdAt)
          .first("reason")
      : undefined;
    const written = finished
      ? ((await knex("field_changes")
          .where({ run_id: run.id, flow: target.flow.id, why: "mutation" })
          .whereIn("field", fields)
          .select("system", "source_id")) as Array<{ system: SystemName; source_id: string }>)
      : [];
    const took = (side: (typeof sides)[number]) => written.some((row) => row.system === side.system && row.source_id === side.sourceId);
    if (quarantined) {
      await dropOverrides(knex, target.link.id, fields);
      const refusedBy = sides.find((side) => !took(side) && !holds(target, side.system)) ?? sides[0]!;
      const tookIt = sides.filter(took).map((side) => `${SYSTEM_NAMES[side.system]} ${side.entity} ${side.sourceId}`);
      throw new SyncCommandError(
        "BAD_USER_INPUT",
        `${fields.join(", ")}: ${SYSTEM_NAMES[refusedBy.system]} refused the change to ${refusedBy.entity} ${refusedBy.sourceId}: ${quarantined.reason}` +
          (tookIt.length > 0 ? `. ${tookIt.join(" and ")} took it; the record is quarantined until the value is fixed` : "; nothing was written"),
        { field: fields[0], fields, system: refusedBy.system.toUpperCase(), written: tookIt, runId: run.id },
      );
    }
    const link = (await knex<LinkRow>("links").where({ id: target.link.id }).first()) as LinkRow | undefined;
    const stillQueued = Boolean(link && fields.some((field) => field in ((link.agreed[OVERRIDES_KEY] as MappedValues | undefined) ?? {})));
    if (stillQueued) complete = false;
    for (const side of sides) {
      writes.push({
        flow: target.flow.id,
        ...side,
        fields,
        status: took(side) ? "written" : stillQueued || !finished ? "pending" : "unchanged",
      });
    }
  }
  return { unifiedId: input.unifiedId, run, writes: mergeWrites(writes), complete };
}

/** Whether a side's stored record already held the values the target was to get (then it had nothing to take). */
function holds(target: WriteTarget, system: SystemName): boolean {
  const record = system === "poweroffice" ? target.source : target.target;
  if (!record) return true;
  const current = mapFields(target.flow.fields, record, system);
  return target.flow.fields.every((field) => !(field.key in target.values) || sameValue(field, current[field.key], target.values[field.key]));
}

const STATUS_RANK: Record<RecordWrite["status"], number> = { unchanged: 0, written: 1, pending: 2 };

/** One entry per record: a Chargebee customer several PowerOffice roles share is written once, with all their fields. */
function mergeWrites(writes: readonly RecordWrite[]): RecordWrite[] {
  const merged = new Map<string, RecordWrite>();
  for (const write of writes) {
    const key = recordKey({ system: write.system, entity: write.entity, source_id: write.sourceId });
    const seen = merged.get(key);
    if (!seen) {
      merged.set(key, { ...write, fields: [...write.fields] });
      continue;
    }
    for (const field of write.fields) if (!seen.fields.includes(field)) seen.fields.push(field);
    if (STATUS_RANK[write.status] > STATUS_RANK[seen.status]) seen.status = write.status;
  }
  return [...merged.values()];
}
