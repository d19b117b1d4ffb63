import type { Knex } from "knex";
import type { SystemName } from "../../config/config.js";
import { storeRecords, type HashedRecordInput } from "../../datasets/upsert-records.js";
import { UnstorableRecordsError } from "../../db/errors.js";
import { dropIntents, settleIntents } from "../tables/outbox.js";
import { upsertQuarantine, type QuarantineUpsert } from "../tables/quarantine.js";

export type { QuarantineUpsert };
import type { MappedValues, UnifiedKind } from "../model/flow-definition.js";
import { addCounts, emptyCounts, type RunCounts } from "../model/types.js";

export interface UnifiedUpsert {
  id: string;
  kind: UnifiedKind;
  agreed: MappedValues;
  email: string | null;
  name: string | null;
  syncState: "synced" | "conflict" | "quarantined";
}

export interface LinkUpsert {
  unifiedId: string;
  system: SystemName;
  entity: string;
  sourceId: string;
  flow: string;
  agreed: MappedValues;
  agreedSourceChangedAt: Date | null;
  status: "active" | "deleted";
}

export interface StateUpsert {
  flow: string;
  system: SystemName;
  entity: string;
  sourceId: string;
  contentHash: string;
  status: "done" | "quarantined" | "unmatched" | "deleted";
  reason: string | null;
}

export interface ConflictInsert {
  unifiedId: string;
  flow: string;
  field: string;
  agreedValue: unknown;
  powerofficeValue: unknown;
  chargebeeValue: unknown;
  powerofficeChangedAt: Date | null;
  chargebeeChangedAt: Date | null;
  winner: SystemName;
  reason: string;
}


export interface EventInsert {
  unifiedId: string | null;
  flow: string;
  system: SystemName;
  entity: string;
  sourceId: string;
  action: string;
  detail: Record<string, unknown>;
}

/** Everything one batch decided and wrote, committed in one transaction. */
export class CommitBuffer {
  readonly datasetRecords: HashedRecordInput[] = [];
  readonly unified = new Map<string, UnifiedUpsert>();
  readonly links = new Map<string, LinkUpsert>();
  readonly states = new Map<string, StateUpsert>();
  readonly conflicts: ConflictInsert[] = [];
  readonly quarantine = new Map<string, QuarantineUpsert>();
  /** Records that synced fine: an open quarantine entry of theirs is resolved. */
  readonly released = new Map<string, { flow: string; system: SystemName; entity: string; sourceId: string }>();
  readonly events: EventInsert[] = [];
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

  /** One buffer holding everything of these (the items of a batch, committed together). */
  static merge(buffers: readonly CommitBuffer[]): CommitBuffer {
    const merged = new CommitBuffer();
    for (const buffer of buffers) {
      merged.datasetRecords.push(...buffer.datasetRecords);
      for (const [key, value] of buffer.unified) merged.unified.set(key, value);
      for (const [key, value] of buffer.links) merged.links.set(key, value);
      for (const [key, value] of buffer.states) merged.states.set(key, value);
      merged.conflicts.push(...buffer.conflicts);
      for (const [key, value] of buffer.quarantine) merged.quarantine.set(key, value);
      for (const [key, value] of buffer.released) if (!merged.quarantine.has(key)) merged.released.set(key, value);
      merged.events.push(...buffer.events);
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
      this.events.length === 0
    );
  }
}

const ROWS = 500;

async function insertChunked(trx: Knex.Transaction, rows: readonly object[], write: (chunk: object[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS) await write(rows.slice(start, start + ROWS) as object[]);
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

    const unified = [...buffer.unified.values()].map((row) => ({
      id: row.id,
      kind: row.kind,
      agreed: JSON.stringify(row.agreed),
      email: row.email,
      name: row.name,
      sync_state: row.syncState,
      last_synced_at: trx.fn.now(),
    }));
    await insertChunked(trx, unified, (chunk) =>
      trx("unified_records")
        .insert(chunk)
        .onConflict("id")
        .merge({
          agreed: trx.raw("unified_records.agreed || excluded.agreed"),
          email: trx.raw("coalesce(excluded.email, unified_records.email)"),
          name: trx.raw("coalesce(excluded.name, unified_records.name)"),
          sync_state: trx.raw("excluded.sync_state"),
          last_synced_at: trx.raw("excluded.last_synced_at"),
          updated_at: trx.fn.now(),
        }),
    );

    const links = [...buffer.links.values()].map((link) => ({
      unified_id: link.unifiedId,
      system: link.system,
      entity: link.entity,
      source_id: link.sourceId,
      flow: link.flow,
      agreed: JSON.stringify(link.agreed),
      agreed_source_changed_at: link.agreedSourceChangedAt,
      last_synced_at: trx.fn.now(),
      status: link.status,
    }));
    await insertChunked(trx, links, (chunk) =>
      trx("links")
        .insert(chunk)
        .onConflict(["flow", "system", "entity", "source_id"])
        .merge(["unified_id", "agreed", "agreed_source_changed_at", "last_synced_at", "status", "updated_at"].reduce(
          (merge, column) => ({ ...merge, [column]: column === "updated_at" ? trx.fn.now() : trx.raw(`excluded.${column}`) }),
          {} as Record<string, unknown>,
        )),
    );

    const states = [...buffer.states.values()].map((state) => ({
      flow: state.flow,
      system: state.system,
      entity: state.entity,
      source_id: state.sourceId,
      content_hash: state.contentHash,
      status: state.status,
      reason: state.reason,
      updated_at: trx.fn.now(),
    }));
    await insertChunked(trx, states, (chunk) =>
      trx("sync_record_state")
        .insert(chunk)
        .onConflict(["flow", "system", "entity", "source_id"])
        .merge(["content_hash", "status", "reason", "updated_at"]),
    );

    await insertChunked(
      trx,
      buffer.conflicts.map((conflict) => ({
        unified_id: conflict.unifiedId,
        flow: conflict.flow,
        field: conflict.field,
        agreed_value: JSON.stringify(conflict.agreedValue ?? null),
        poweroffice_value: JSON.stringify(conflict.powerofficeValue ?? null),
        chargebee_value: JSON.stringify(conflict.chargebeeValue ?? null),
        poweroffice_changed_at: conflict.powerofficeChangedAt,
        chargebee_changed_at: conflict.chargebeeChangedAt,
        winner: conflict.winner,
        reason: conflict.reason,
      })),
      (chunk) => trx("conflicts").insert(chunk),
    );

    await upsertQuarantine(trx, [...buffer.quarantine.values()]);

    const released = [...buffer.released.values()];
    const anyOpen = released.length > 0 && (await trx("quarantine").where("status", "open").first("id"));
    if (anyOpen) for (let start = 0; start < released.length; start += ROWS) {
      const chunk = released.slice(start, start + ROWS);
      // Keys as parallel arrays joined through unnest: a row-value IN list of a few hundred tuples breaks the
      // embedded engine (PGlite 0.5: from ~275 four-column tuples the statement returns nothing and later ones PANIC).
      await trx.raw(
        `update quarantine set status = 'resolved', last_seen_at = now()
           from unnest(?::text[], ?::text[], ?::text[], ?::text[]) as released(flow, system, entity, source_id)
          where quarantine.status = 'open' and quarantine.flow = released.flow and quarantine.system = released.system
            and quarantine.entity = released.entity and quarantine.source_id = released.source_id`,
        [
          chunk.map((entry) => entry.flow),
          chunk.map((entry) => entry.system),
          chunk.map((entry) => entry.entity),
          chunk.map((entry) => entry.sourceId),
        ] as unknown as Knex.RawBinding[],
      );
    }

    await insertChunked(
      trx,
      buffer.events.map((event) => ({
        run_id: runId ?? null,
        unified_id: event.unifiedId,
        flow: event.flow,
        system: event.system,
        entity: event.entity,
        source_id: event.sourceId,
        action: event.action,
        detail: JSON.stringify(event.detail),
      })),
      (chunk) => trx("sync_events").insert(chunk),
    );

    if (buffer.outboxSettled.length > 0) await settleIntents(trx, buffer.outboxSettled);
    if (buffer.outboxUnused.length > 0) await dropIntents(trx, buffer.outboxUnused);
    await commitCounts?.(trx, buffer.counts);
  });
}
