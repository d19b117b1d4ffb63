import type { Knex } from "knex";
import { contentHash } from "./content-hash.js";
import { toDatasetRecord, type DatasetRecord, type DatasetRow, type SourceRecordInput } from "./types.js";

export interface UpsertResult {
  /** Records that are new or whose content changed (their change_seq moved). */
  changed: DatasetRecord[];
  /** How many records came in with the content already stored. */
  unchanged: number;
}

export interface StoreResult {
  /** How many records are new or changed (their change_seq moved). */
  changed: number;
  unchanged: number;
}

/** A record to store, with its content hash when the caller computed it already (it must be contentHash(data, deleted)). */
export type HashedRecordInput = SourceRecordInput & { contentHash?: string };

const ROWS_PER_STATEMENT = 1000;
const KEY_COLUMNS = ["system", "entity", "source_id"];

/**
 * Stores the last-seen copy of source records. A record whose content hash did not change keeps its change_seq,
 * so the sync engine never processes it again; only its last_seen_at moves. Returns the changed records as stored.
 */
export async function upsertRecords(knex: Knex, records: readonly HashedRecordInput[]): Promise<UpsertResult> {
  const changed: DatasetRecord[] = [];
  let unchanged = 0;
  await upsertChunks(knex, records, "*", (written, same) => {
    changed.push(...(written as DatasetRow[]).map(toDatasetRecord));
    unchanged += same;
  });
  return { changed, unchanged };
}

/**
 * upsertRecords for callers that need only the counts (readers, the engine's commit): the database does not send
 * the stored rows back, so their JSON is not parsed again.
 */
export async function storeRecords(knex: Knex, records: readonly HashedRecordInput[]): Promise<StoreResult> {
  const result: StoreResult = { changed: 0, unchanged: 0 };
  await upsertChunks(knex, records, KEY_COLUMNS, (written, same) => {
    result.changed += written.length;
    result.unchanged += same;
  });
  return result;
}

type KeyRow = Pick<DatasetRow, "system" | "entity" | "source_id">;

/**
 * A Chargebee copy older (lower resource_version) than the stored one: a list page read before a newer webhook was
 * stored must not put the older content back. Such a copy counts as unchanged. CASE, so a malformed version is never
 * cast.
 */
const OLDER_CHARGEBEE_VERSION = `(case
  when dataset_records.system = 'chargebee'
   and excluded.data->>'resource_version' ~ '^[0-9]{1,30}$'
   and dataset_records.data->>'resource_version' ~ '^[0-9]{1,30}$'
  then (excluded.data->>'resource_version')::numeric < (dataset_records.data->>'resource_version')::numeric
  else false end)`;

async function upsertChunks(
  knex: Knex,
  records: readonly HashedRecordInput[],
  returning: "*" | string[],
  onChunk: (written: KeyRow[], unchanged: number) => void,
): Promise<void> {
  for (let start = 0; start < records.length; start += ROWS_PER_STATEMENT) {
    const chunk = dedupeLastWins(records.slice(start, start + ROWS_PER_STATEMENT));
    const rows = chunk.map((record) => ({
      system: record.system,
      entity: record.entity,
      source_id: record.sourceId,
      data: JSON.stringify(record.data),
      content_hash: record.contentHash ?? contentHash(record.data, record.deleted ?? false),
      source_changed_at: record.sourceChangedAt ?? null,
      deleted: record.deleted ?? false,
      email: record.email ? record.email.trim().toLowerCase() : null,
      name: record.name ?? null,
      parent_id: record.parentId ?? null,
    }));
    const written = (await knex("dataset_records")
      .insert(rows)
      .onConflict(["system", "entity", "source_id"])
      .merge({
        data: knex.raw("excluded.data"),
        content_hash: knex.raw("excluded.content_hash"),
        source_changed_at: knex.raw("excluded.source_changed_at"),
        deleted: knex.raw("excluded.deleted"),
        email: knex.raw("excluded.email"),
        name: knex.raw("excluded.name"),
        parent_id: knex.raw("excluded.parent_id"),
        last_seen_at: knex.fn.now(),
        change_seq: knex.raw("nextval('dataset_change_seq')"),
      })
      .where("dataset_records.content_hash", "<>", knex.raw("excluded.content_hash"))
      .andWhereRaw(`not ${OLDER_CHARGEBEE_VERSION}`)
      .returning(returning)) as KeyRow[];
    let same: KeyRow[] = [];
    if (written.length < rows.length) {
      const writtenKeys = new Set(written.map((row) => `${row.system}\u0000${row.entity}\u0000${row.source_id}`));
      same = rows.filter((row) => !writtenKeys.has(`${row.system}\u0000${row.entity}\u0000${row.source_id}`));
      await touchLastSeen(knex, same);
    }
    onChunk(written, same.length);
  }
}

async function touchLastSeen(knex: Knex, rows: Array<{ system: string; entity: string; source_id: string }>): Promise<void> {
  const groups = new Map<string, { system: string; entity: string; ids: string[] }>();
  for (const row of rows) {
    const key = `${row.system}\u0000${row.entity}`;
    const group = groups.get(key) ?? { system: row.system, entity: row.entity, ids: [] };
    group.ids.push(row.source_id);
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    await knex("dataset_records")
      .where({ system: group.system, entity: group.entity })
      .whereIn("source_id", group.ids)
      .update({ last_seen_at: knex.fn.now() });
  }
}

/** PostgreSQL refuses one INSERT .. ON CONFLICT that touches the same row twice; the later copy wins. */
function dedupeLastWins(records: readonly HashedRecordInput[]): HashedRecordInput[] {
  const byKey = new Map<string, HashedRecordInput>();
  for (const record of records) byKey.set(`${record.system}\u0000${record.entity}\u0000${record.sourceId}`, record);
  return [...byKey.values()];
}
