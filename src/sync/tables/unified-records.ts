import type { Knex } from "knex";
import { escapeLike } from "../../db/escape-like.js";
import { insertChunked } from "./chunked.js";
import type { MappedValues, UnifiedKind } from "../model/flow-definition.js";

/** A unified record as a commit writes it. */
export interface UnifiedUpsert {
  id: string;
  kind: UnifiedKind;
  agreed: MappedValues;
  email: string | null;
  name: string | null;
  syncState: "synced" | "conflict" | "quarantined" | "unlinked";
}

/** Inserts unified records, or merges their agreed values, email, name and state into the stored ones. */
export async function upsertUnifiedRecords(trx: Knex, rows: readonly UnifiedUpsert[]): Promise<void> {
  const unified = rows.map((row) => ({
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
}

/** Unified customers with one of these (case-folded) emails and their Chargebee customer, oldest link first. */
export async function linkedCustomersByEmail(
  knex: Knex,
  emails: readonly string[],
): Promise<Array<{ email: string; unifiedId: string; chargebeeId: string }>> {
  const rows = (await knex("unified_records as u")
    .join("links as l", function joinChargebee() {
      this.on("l.unified_id", "u.id").andOnVal("l.system", "chargebee").andOnVal("l.entity", "customer").andOnVal("l.status", "<>", "deleted");
    })
    .where("u.kind", "customer")
    .whereIn("u.email", emails as string[])
    .orderBy("l.id")
    .select("u.email", "u.id as unified_id", "l.source_id")) as Array<{ email: string; unified_id: string; source_id: string }>;
  return rows.map((row) => ({ email: row.email, unifiedId: row.unified_id, chargebeeId: row.source_id }));
}

/** A unified record a link made by hand starts (nothing agreed yet). */
export async function insertPendingUnifiedRecord(knex: Knex, id: string, kind: UnifiedKind): Promise<void> {
  await knex("unified_records").insert({ id, kind, agreed: "{}", sync_state: "pending" });
}

/** Marks 'unlinked' those of these unified records that have no active link left (every side deleted or unlinked). */
export async function markUnlinkedWhereNoLinkLeft(trx: Knex, unifiedIds: readonly string[]): Promise<void> {
  if (unifiedIds.length === 0) return;
  await trx.raw(
    `update unified_records u set sync_state = 'unlinked', updated_at = now()
      where u.id = any(?::uuid[]) and u.sync_state <> 'unlinked'
        and not exists (select 1 from links l where l.unified_id = u.id and l.status <> 'deleted')`,
    [unifiedIds] as unknown as Knex.RawBinding[],
  );
}

// The reads below are query builders a caller runs itself: the link subgraph runs each through its per-request
// statement counter, and refines and pages through the list.

/** A unified record as the reads below return it. */
export interface UnifiedRecordRow {
  id: string;
  kind: UnifiedKind;
  agreed: Record<string, unknown> | null;
  email: string | null;
  name: string | null;
  sync_state: "synced" | "pending" | "conflict" | "quarantined" | "unlinked";
  last_synced_at: Date | string | null;
  /** Absent unless the read selects the timestamps. */
  created_at?: Date | string;
  updated_at?: Date | string;
}

const READ_COLUMNS = ["id", "agreed", "email", "name", "sync_state", "last_synced_at"];
/** Read only for a record's creation and update times: two timestamps less per row otherwise. */
const TIME_COLUMNS = ["created_at", "updated_at"];

/** Which columns a read selects: the timestamps too, or not. */
export interface UnifiedReadColumns {
  timestamps: boolean;
}

/** The columns a read selects (as `table.column` when given the table's alias). */
export function unifiedReadColumns({ timestamps }: UnifiedReadColumns, table = ""): string[] {
  const columns = timestamps ? [...READ_COLUMNS, ...TIME_COLUMNS] : READ_COLUMNS;
  return table === "" ? columns : columns.map((column) => `${table}.${column}`);
}

/** Name order (case-insensitive), then id: stable across pages and runs; the last key is unique. */
export const UNIFIED_ORDER_KEYS = ["lower(coalesce(name, ''))", "id::text"] as const;

export interface UnifiedListFilter {
  /** Part of the name, case-insensitive. */
  name?: string | null;
  syncState?: string | null;
  /** Exact (case-folded) email. */
  email?: string | null;
}

/** The unified records of one kind with the filters applied, without select, order or limit: the base of a list. */
export function unifiedRecordsQuery(knex: Knex, kind: UnifiedKind, filter?: UnifiedListFilter | null): Knex.QueryBuilder {
  const query = knex("unified_records").where({ kind });
  if (filter?.name) query.whereILike("name", `%${escapeLike(filter.name)}%`);
  // An unlinked record stands for nothing any more: a list shows it only when asked for by its state.
  if (filter?.syncState) query.where("sync_state", filter.syncState);
  else query.whereNot("sync_state", "unlinked");
  if (filter?.email) query.where("email", filter.email.trim().toLowerCase());
  return query;
}

/** One unified record by id, every column. */
export function unifiedRecordQuery(knex: Knex, id: string): Knex.QueryBuilder {
  return knex("unified_records").where({ id });
}

/** Unified records of one kind by id (the ids must be UUIDs). */
export function unifiedRecordsByIdQuery(knex: Knex, kind: UnifiedKind, ids: readonly string[], columns: UnifiedReadColumns): Knex.QueryBuilder {
  return knex("unified_records")
    .select(unifiedReadColumns(columns))
    .where({ kind })
    .whereIn("id", ids as string[]);
}

/** The id and kind of each of these unified records (the ids must be UUIDs). */
export function unifiedKindsQuery(knex: Knex, ids: readonly string[]): Knex.QueryBuilder {
  return knex("unified_records")
    .whereIn("id", ids as string[])
    .select("id", "kind");
}

/**
 * The unified records of one kind these source records are linked to (not through deleted links), oldest first; each
 * row names the source record as __system, __entity and __source_id.
 */
export function unifiedRecordsBySourceQuery(
  knex: Knex,
  kind: UnifiedKind,
  sources: ReadonlyArray<readonly [system: string, entity: string, sourceId: string]>,
  columns: UnifiedReadColumns,
): Knex.QueryBuilder {
  return knex("links as l")
    .join("unified_records as u", "u.id", "l.unified_id")
    .where("u.kind", kind)
    .whereNot("l.status", "deleted")
    .whereIn(["l.system", "l.entity", "l.source_id"], sources as unknown as string[][])
    .select(...unifiedReadColumns(columns, "u"), "l.system as __system", "l.entity as __entity", "l.source_id as __source_id")
    .orderBy("u.created_at");
}

/**
 * Unified orders whose agreed Chargebee customer id is one of these, in (created_at, id) order; each row has that id as
 * __key and its place in the order over all rows as __order. The partial index unified_records_order_customer
 * (migrations/20261126000700) is on this expression.
 */
export function unifiedOrdersByChargebeeCustomerQuery(knex: Knex, customerIds: readonly string[], columns: UnifiedReadColumns): Knex.QueryBuilder {
  return knex("unified_records")
    .select(
      ...unifiedReadColumns(columns),
      knex.raw("agreed->>'customerId' as __key"),
      knex.raw("row_number() over (order by created_at, id) as __order"),
    )
    .where("kind", "order")
    .whereIn(knex.raw("agreed->>'customerId'") as unknown as string, customerIds as string[])
    .orderBy("created_at")
    .orderBy("id");
}
