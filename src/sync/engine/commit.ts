import type { DatasetRecord } from "../../datasets/types.js";
import type { Knex } from "knex";
import type { SystemName } from "../../config/config.js";
import { storeRecords, type HashedRecordInput } from "../../datasets/upsert-records.js";
import { UnstorableRecordsError } from "../../db/errors.js";
import { dropIntents, settleIntents } from "../tables/outbox.js";
import { insertConflicts, settleManualConflicts, type ConflictInsert, type ManualConflictKey } from "../tables/conflicts.js";
import { insertEvents, type EventInsert } from "../tables/events.js";
import { insertFieldChanges, type FieldChangeInsert } from "../tables/field-changes.js";
import { upsertLinks, type LinkUpsert } from "../tables/links.js";
import { resolveQuarantine, upsertQuarantine, type QuarantineUpsert } from "../tables/quarantine.js";
import { upsertRecordStates, type StateUpsert } from "../tables/record-state.js";
import { markUnlinkedWhereNoLinkLeft, upsertUnifiedRecords, type UnifiedUpsert } from "../tables/unified-records.js";

export type { ConflictInsert, EventInsert, FieldChangeInsert, LinkUpsert, QuarantineUpsert, StateUpsert, UnifiedUpsert };
import { addCounts, emptyCounts, type RunCounts } from "../model/types.js";

/** Everything one batch decided and wrote, committed in one transaction. */
export class CommitBuffer {
  readonly datasetRecords: HashedRecordInput[] = [];
  readonly unified = new Map<string, UnifiedUpsert>();
  readonly links = new Map<string, LinkUpsert>();
  readonly states = new Map<string, StateUpsert>();
  readonly conflicts: ConflictInsert[] = [];
  /** Fields under the manual policy whose sides agree now: an open conflict on them is settled. */
  readonly settledManualConflicts: ManualConflictKey[] = [];
  readonly quarantine = new Map<string, QuarantineUpsert>();
  /** Records that synced fine: an open quarantine entry of theirs is resolved. */
  readonly released = new Map<string, { flow: string; system: SystemName; entity: string; sourceId: string }>();
  readonly events: EventInsert[] = [];
  /** The record's history: each field change detected or written, each record created. */
  readonly fieldChanges: FieldChangeInsert[] = [];
  readonly outboxSettled: Array<{ id: string; resultId: string | null }> = [];
  /** Intents recorded ahead for creates that were never attempted. */
  readonly outboxUnused: string[] = [];
  readonly counts: RunCounts = emptyCounts();

  link(link: LinkUpsert): void {
    this.links.set(`${link.flow}\u0000${link.system}\u0000${link.entity}\u0000${link.sourceId}`, link);
  }

  state(state: StateUpsert): void {
    const key = `${state.flow}\u0000${state.system}\u0000${state.entity}\u0000${state.sourceId}`;
    this.states.set(key, state);
    if (state.status === "done" || state.status === "deleted") {
      this.released.set(key, { flow: state.flow, system: state.system, entity: state.entity, sourceId: state.sourceId });
    }
  }

  quarantined(entry: QuarantineUpsert): void {
    const key = `${entry.flow}\u0000${entry.system}\u0000${entry.entity}\u0000${entry.sourceId}`;
    this.quarantine.set(key, entry);
    this.released.delete(key);
  }

  /** Which version of a record a flow processed, and how it ended. */
  recordState(flow: string, record: DatasetRecord, status: StateUpsert["status"], reason: string | null = null): void {
    this.state({ flow, system: record.system, entity: record.entity, sourceId: record.sourceId, contentHash: record.contentHash, status, reason });
  }

  /** A record quarantined by a flow: counted, its state and open entry recorded, and a quarantine event. */
  quarantineRecord(flow: string, record: DatasetRecord, reason: string): void {
    this.counts.quarantined += 1;
    const key = { flow, system: record.system, entity: record.entity, sourceId: record.sourceId };
    this.state({ ...key, contentHash: record.contentHash, status: "quarantined", reason });
    this.quarantined({ ...key, reason, payload: record.data, contentHash: record.contentHash });
    this.events.push({ unifiedId: null, ...key, action: "quarantine", detail: { reason } });
  }

  /** One buffer holding everything of these (the items of a batch, committed together). */
  static merge(buffers: readonly CommitBuffer[]): CommitBuffer {
    const merged = new CommitBuffer();
    for (const buffer of buffers) {
      merged.datasetRecords.push(...buffer.datasetRecords);
      for (const [key, value] of buffer.unified) merged.unified.set(key, value);
      for (const [key, value] of buffer.links) merged.links.set(key, value);
      for (const [key, value] of buffer.states) merged.states.set(key, value);
      merged.conflicts.push(...buffer.conflicts);
      merged.settledManualConflicts.push(...buffer.settledManualConflicts);
      for (const [key, value] of buffer.quarantine) merged.quarantine.set(key, value);
      for (const [key, value] of buffer.released) if (!merged.quarantine.has(key)) merged.released.set(key, value);
      merged.events.push(...buffer.events);
      merged.fieldChanges.push(...buffer.fieldChanges);
      merged.outboxSettled.push(...buffer.outboxSettled);
      merged.outboxUnused.push(...buffer.outboxUnused);
      addCounts(merged.counts, buffer.counts);
    }
    return merged;
  }

  get isEmpty(): boolean {
    return (
      this.datasetRecords.length === 0 &&
      this.unified.size === 0 &&
      this.links.size === 0 &&
      this.states.size === 0 &&
      this.quarantine.size === 0 &&
      this.events.length === 0 &&
      this.fieldChanges.length === 0
    );
  }
}

/**
 * Commits a batch's decisions, the outcomes of its writes (the records the APIs returned, so their echo is
 * recognised) and the link updates together, with set-based statements.
 */
export async function commitBuffer(
  knex: Knex,
  buffer: CommitBuffer,
  runId?: string,
  commitCounts?: (trx: Knex.Transaction, counts: RunCounts) => Promise<void>,
): Promise<void> {
  if (buffer.isEmpty && buffer.outboxSettled.length === 0 && buffer.outboxUnused.length === 0 && !commitCounts) return;
  await knex.transaction(async (trx) => {
    if (buffer.datasetRecords.length > 0) {
      const stored = await storeRecords(trx, buffer.datasetRecords);
      if (stored.failed.length > 0) throw new UnstorableRecordsError(stored.failed.map((failure) => failure.reason));
    }

    await upsertUnifiedRecords(trx, [...buffer.unified.values()]);
    await upsertLinks(trx, [...buffer.links.values()]);
    const closed = [...new Set([...buffer.links.values()].filter((link) => link.status === "deleted").map((link) => link.unifiedId))];
    await markUnlinkedWhereNoLinkLeft(trx, closed);
    await upsertRecordStates(trx, [...buffer.states.values()]);
    await settleManualConflicts(trx, buffer.settledManualConflicts);
    await insertConflicts(trx, buffer.conflicts);
    await upsertQuarantine(trx, [...buffer.quarantine.values()]);
    await resolveQuarantine(trx, [...buffer.released.values()]);
    await insertEvents(trx, runId ?? null, buffer.events);
    await insertFieldChanges(trx, runId ?? null, buffer.fieldChanges);

    if (buffer.outboxSettled.length > 0) await settleIntents(trx, buffer.outboxSettled);
    if (buffer.outboxUnused.length > 0) await dropIntents(trx, buffer.outboxUnused);
    await commitCounts?.(trx, buffer.counts);
  });
}
