import type { Knex } from "knex";
import { databaseReason, isDataError } from "../db/errors.js";
import { contentHash } from "./content-hash.js";
import { storableColumn, storableValue } from "./storable-text.js";
import { toDatasetRecord, type DatasetRecord, type DatasetRow, type SourceRecordInput } from "./types.js";

/** A record the store could not take, and why (in words a person can act on). */
export interface StoreFailure {
  record: HashedRecordInput;
  reason: string;
}

export interface UpsertResult {
  /** Records that are new or whose content changed (their change_seq moved). */
  changed: DatasetRecord[];
  /** How many records came in with the content already stored. */
  unchanged: number;
  /** Records that could not be stored; the others were. */
  failed: StoreFailure[];
}

export interface StoreResult {
  /** How many records are new or changed (their change_seq moved). */
  changed: number;
  unchanged: number;
  /** Records that could not be stored; the others were. */
  failed: StoreFailure[];
}

/** A record to store, with its content hash when the caller computed it already (it must be contentHash(data, deleted)). */
export type HashedRecordInput = SourceRecordInput & { contentHash?: string };

const ROWS_PER_STATEMENT = 1000;
const KEY_COLUMNS = ["system", "entity", "source_id"];
/** Search columns (email, name, parent) keep this much; the whole value stays in data. */
const MAX_SEARCH_COLUMN_LENGTH = 1000;

/**
 * Stores the last-seen copy of source records. A record whose content hash did not change keeps its change_seq,
 * so the sync engine never processes it again; only its last_seen_at moves. Returns the changed records as stored.
 */
export async function upsertRecords(knex: Knex, records: readonly HashedRecordInput[]): Promise<UpsertResult> {
  const changed: DatasetRecord[] = [];
  let unchanged = 0;
  const failed = await upsertChunks(knex, records, "*", (written, same) => {
    changed.push(...(written as DatasetRow[]).map(toDatasetRecord));
    unchanged += same;
  });
  return { changed, unchanged, failed };
}

/**
 * upsertRecords for callers that need only the counts (readers, the engine's commit): the database does not send
 * the stored rows back, so their JSON is not parsed again.
 */
export async function storeRecords(knex: Knex, records: readonly HashedRecordInput[]): Promise<StoreResult> {
  const result: StoreResult = { changed: 0, unchanged: 0, failed: [] };
  result.failed = await upsertChunks(knex, records, KEY_COLUMNS, (written, same) => {
    result.changed += written.length;
    result.unchanged += same;
  });
  return result;
}

type KeyRow = Pick<DatasetRow, "system" | "entity" | "source_id">;

interface PreparedRow {
  system: SourceRecordInput["system"];
  entity: string;
  source_id: string;
  data: string;
  raw_json: string | null;
  data_issues: string | null;
  content_hash: string;
  source_changed_at: Date | null;
  deleted: boolean;
  email: string | null;
  name: string | null;
  parent_id: string | null;
}

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

/**
 * The row for one record. Text the database cannot hold is replaced in `data` and kept exactly in `raw_json`
 * (JSON text, in which NUL and lone surrogates are ASCII escapes); the hash is of the original content.
 */
function prepareRow(record: HashedRecordInput): PreparedRow {
  const deleted = record.deleted ?? false;
  const hash = record.contentHash ?? contentHash(record.data, deleted);
  const storable = storableValue(record.data);
  const issues = [...(record.issues ?? []), ...storable.issues];
  const changedAt = record.sourceChangedAt ?? null;
  if (changedAt && Number.isNaN(changedAt.getTime())) throw new Error("its change time is not a valid date");
  const sourceId = storableColumn(record.sourceId, MAX_SEARCH_COLUMN_LENGTH);
  if (!sourceId) throw new Error("it has no id");
  if (sourceId !== record.sourceId) throw new Error("its id is longer than 1,000 characters or holds text the database cannot store");
  return {
    system: record.system,
    entity: record.entity,
    source_id: sourceId,
    data: JSON.stringify(storable.value),
    raw_json: storable.issues.length > 0 ? JSON.stringify(record.data) : null,
    data_issues: issues.length > 0 ? JSON.stringify(issues) : null,
    content_hash: hash,
    source_changed_at: changedAt,
    deleted,
    email: storableColumn(record.email ? record.email.trim().toLowerCase() : null, MAX_SEARCH_COLUMN_LENGTH),
    name: storableColumn(record.name ?? null, MAX_SEARCH_COLUMN_LENGTH),
    parent_id: storableColumn(record.parentId ?? null, MAX_SEARCH_COLUMN_LENGTH),
  };
}

const keyOf = (row: KeyRow) => `${row.system}\u0000${row.entity}\u0000${row.source_id}`;

async function upsertChunks(
  knex: Knex,
  records: readonly HashedRecordInput[],
  returning: "*" | string[],
  onChunk: (written: KeyRow[], unchanged: number) => void,
): Promise<StoreFailure[]> {
  const failed: StoreFailure[] = [];
  for (let start = 0; start < records.length; start += ROWS_PER_STATEMENT) {
    const rows: Array<{ record: HashedRecordInput; row: PreparedRow }> = [];
    for (const record of dedupeLastWins(records.slice(start, start + ROWS_PER_STATEMENT))) {
      try {
        rows.push({ record, row: prepareRow(record) });
      } catch (error) {
        failed.push({ record, reason: `${describe(record)} cannot be stored: ${(error as Error).message}` });
      }
    }
    await writeOrSplit(knex, rows, returning, onChunk, failed);
  }
  return failed;
}

function describe(record: HashedRecordInput): string {
  const system = record.system === "poweroffice" ? "PowerOffice" : "Chargebee";
  return `${system} ${record.entity} ${record.sourceId}`;
}

/**
 * Writes the rows in one statement inside a savepoint; when the database refuses them for their values, writes
 * each half again, down to the one row it refuses (set aside with the database's reason). A transient error
 * (connection, shutdown) is thrown as it is: it says nothing about the rows.
 */
async function writeOrSplit(
  knex: Knex,
  rows: Array<{ record: HashedRecordInput; row: PreparedRow }>,
  returning: "*" | string[],
  onChunk: (written: KeyRow[], unchanged: number) => void,
  failed: StoreFailure[],
): Promise<void> {
  if (rows.length === 0) return;
  let outcome: { written: KeyRow[]; same: number };
  try {
    outcome = await knex.transaction((trx) =>
      writeRows(
        trx,
        rows.map((entry) => entry.row),
        returning,
      ),
    );
  } catch (error) {
    if (!isDataError(error)) throw error;
    if (rows.length === 1) {
      failed.push({ record: rows[0]!.record, reason: `${describe(rows[0]!.record)} cannot be stored: ${databaseReason(error)}` });
      return;
    }
    const middle = Math.ceil(rows.length / 2);
    await writeOrSplit(knex, rows.slice(0, middle), returning, onChunk, failed);
    await writeOrSplit(knex, rows.slice(middle), returning, onChunk, failed);
    return;
  }
  onChunk(outcome.written, outcome.same);
}

async function writeRows(trx: Knex.Transaction, rows: PreparedRow[], returning: "*" | string[]): Promise<{ written: KeyRow[]; same: number }> {
  const written = (await trx("dataset_records")
    .insert(rows)
    .onConflict(["system", "entity", "source_id"])
    .merge({
      data: trx.raw("excluded.data"),
      raw_json: trx.raw("excluded.raw_json"),
      data_issues: trx.raw("excluded.data_issues"),
      content_hash: trx.raw("excluded.content_hash"),
      source_changed_at: trx.raw("excluded.source_changed_at"),
      deleted: trx.raw("excluded.deleted"),
      email: trx.raw("excluded.email"),
      name: trx.raw("excluded.name"),
      parent_id: trx.raw("excluded.parent_id"),
      last_seen_at: trx.fn.now(),
      change_seq: trx.raw("nextval('dataset_change_seq')"),
    })
    .where("dataset_records.content_hash", "<>", trx.raw("excluded.content_hash"))
    .andWhereRaw(`not ${OLDER_CHARGEBEE_VERSION}`)
    .returning(returning)) as KeyRow[];
  if (written.length === rows.length) return { written, same: 0 };
  const writtenKeys = new Set(written.map(keyOf));
  const same = rows.filter((row) => !writtenKeys.has(keyOf(row)));
  await touchLastSeen(trx, same);
  return { written, same: same.length };
}

async function touchLastSeen(knex: Knex, rows: KeyRow[]): Promise<void> {
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
