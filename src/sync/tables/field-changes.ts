import type { Knex } from "knex";
import { insertChunked } from "./chunked.js";
import { deletedCount } from "../../db/deleted-count.js";
import type { SystemName } from "../../config/config.js";

/**
 * Why a field changed: detected (a side changed it since both agreed), or written by the sync because the other side
 * changed (sync), a conflict policy chose it (conflict), resolveConflict chose it (resolution); created (a whole
 * record the sync made, field null); mutation (written through GraphQL).
 */
export type ChangeReason = "detected" | "sync" | "conflict" | "resolution" | "created" | "mutation";

export interface FieldChangeInsert {
  unifiedId: string | null;
  flow: string;
  system: SystemName;
  entity: string;
  sourceId: string;
  /** null: the whole record (a create). */
  field: string | null;
  before: unknown;
  after: unknown;
  why: ChangeReason;
  /** The API key's name for a mutation, or who resolved a conflict. */
  who?: string | null;
}

export interface FieldChangeRow {
  id: number | string;
  unified_id: string | null;
  run_id: string | null;
  flow: string;
  system: SystemName;
  entity: string;
  source_id: string;
  field: string | null;
  before: unknown;
  after: unknown;
  why: ChangeReason;
  who: string | null;
  created_at: Date | string;
}

export async function insertFieldChanges(trx: Knex, runId: string | null, rows: readonly FieldChangeInsert[]): Promise<void> {
  await insertChunked(
    trx,
    rows.map((change) => ({
      unified_id: change.unifiedId,
      run_id: runId,
      flow: change.flow,
      system: change.system,
      entity: change.entity,
      source_id: change.sourceId,
      field: change.field,
      before: JSON.stringify(change.before ?? null),
      after: JSON.stringify(change.after ?? null),
      why: change.why,
      who: change.who ?? null,
    })),
    (chunk) => trx("field_changes").insert(chunk),
  );
}

/** Deletes the history older than `days` days (0: keeps everything); returns how many rows went. */
export async function pruneFieldChanges(knex: Knex, days: number): Promise<number> {
  if (days <= 0) return 0;
  const deleted: unknown = await knex("field_changes")
    .where("created_at", "<", knex.raw("now() - make_interval(days => ?)", [days]))
    .delete();
  return deletedCount(deleted);
}

export interface FieldChangeFilter {
  unifiedIds?: readonly string[];
  system?: SystemName;
  field?: string;
  why?: ChangeReason;
  since?: Date;
  until?: Date;
}

/** The history matching a filter, for the caller to order and page (the link subgraph's history and changes). */
export function fieldChangesQuery(knex: Knex, filter: FieldChangeFilter): Knex.QueryBuilder {
  const query = knex("field_changes");
  if (filter.unifiedIds) query.whereIn("unified_id", [...filter.unifiedIds]);
  if (filter.system) query.where({ system: filter.system });
  if (filter.field) query.where({ field: filter.field });
  if (filter.why) query.where({ why: filter.why });
  if (filter.since) query.where("created_at", ">=", filter.since);
  if (filter.until) query.where("created_at", "<", filter.until);
  return query;
}
