import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import type { FlowId, RunCounts, RunDetail, RunStatus, SyncMode, SyncRunRow } from "./types.js";

/** RunCounts key → sync_runs / sync_run_batches column. */
export const COUNT_COLUMNS: Record<keyof RunCounts, string> = {
  seen: "records_seen",
  created: "created",
  updated: "updated",
  deleted: "deleted",
  unchanged: "unchanged",
  conflicts: "conflicts",
  quarantined: "quarantined",
  apiCalls: "api_calls",
  errors: "errors",
  waiting: "waiting",
};

export interface SyncRunDbRow {
  id: string;
  requested_by: string;
  flows: FlowId[];
  mode: SyncMode;
  status: RunStatus;
  records_seen: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  conflicts: number;
  quarantined: number;
  api_calls: number;
  errors: number;
  waiting: number;
  batches_total: number;
  batches_done: number;
  detail: RunDetail;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export function countsOf(row: Record<string, unknown>): RunCounts {
  const counts = {} as RunCounts;
  for (const [key, column] of Object.entries(COUNT_COLUMNS)) counts[key as keyof RunCounts] = Number(row[column] ?? 0);
  return counts;
}

export function toSyncRun(row: SyncRunDbRow): SyncRunRow {
  return {
    id: row.id,
    requestedBy: row.requested_by,
    flows: row.flows,
    mode: row.mode,
    status: row.status,
    counts: countsOf(row as unknown as Record<string, unknown>),
    batchesTotal: row.batches_total,
    batchesDone: row.batches_done,
    detail: row.detail ?? {},
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export async function insertRun(
  knex: Knex,
  input: { flows: FlowId[]; mode: SyncMode; requestedBy: string; detail?: RunDetail },
): Promise<SyncRunRow> {
  const [row] = await knex<SyncRunDbRow>("sync_runs")
    .insert({
      id: randomUUID(),
      requested_by: input.requestedBy,
      flows: input.flows,
      mode: input.mode,
      status: "queued",
      detail: { phase: "queued", ...input.detail } as never,
    })
    .returning("*");
  return toSyncRun(row as SyncRunDbRow);
}

export async function getSyncRun(knex: Knex, id: string): Promise<SyncRunRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const row = await knex<SyncRunDbRow>("sync_runs").where({ id }).first();
  return row ? toSyncRun(row as SyncRunDbRow) : null;
}

export interface ListSyncRunsInput {
  status?: RunStatus;
  /** Page size (1–200). */
  first?: number;
  /** A run id from the previous page: runs created before it. */
  after?: string;
}

/** Newest first. */
export async function listSyncRuns(knex: Knex, input: ListSyncRunsInput = {}): Promise<SyncRunRow[]> {
  const first = Math.min(Math.max(input.first ?? 20, 1), 200);
  const query = knex<SyncRunDbRow>("sync_runs").orderBy([
    { column: "created_at", order: "desc" },
    { column: "id", order: "desc" },
  ]);
  if (input.status) query.where({ status: input.status });
  if (input.after) {
    const cursor = await knex<SyncRunDbRow>("sync_runs").where({ id: input.after }).first("created_at", "id");
    if (cursor) {
      query.where((q) =>
        q.where("created_at", "<", cursor.created_at).orWhere((q2) => q2.where("created_at", cursor.created_at).andWhere("id", "<", cursor.id)),
      );
    }
  }
  const rows = await query.limit(first);
  return rows.map((row) => toSyncRun(row as SyncRunDbRow));
}

/** `detail = detail || patch` (top-level keys replaced). */
export function mergeDetail(knex: Knex, patch: RunDetail): Knex.Raw {
  return knex.raw("detail || ?::jsonb", [JSON.stringify(patch)]);
}

/** Adds counts to a row atomically (`created = created + ?`). */
export function incrementColumns(knex: Knex, delta: Partial<RunCounts>): Record<string, Knex.Raw> {
  const update: Record<string, Knex.Raw> = {};
  for (const [key, value] of Object.entries(delta) as Array<[keyof RunCounts, number | undefined]>) {
    if (!value) continue;
    const column = COUNT_COLUMNS[key];
    update[column] = knex.raw("?? + ?", [column, value]);
  }
  return update;
}

export async function addRunCounts(knex: Knex, runId: string, delta: Partial<RunCounts>): Promise<void> {
  const update = incrementColumns(knex, delta);
  if (Object.keys(update).length === 0) return;
  await knex("sync_runs").where({ id: runId }).update(update);
}

export async function updateRun(
  knex: Knex,
  runId: string,
  changes: { status?: RunStatus; error?: string | null; detail?: RunDetail; started?: boolean; finished?: boolean },
): Promise<void> {
  const update: Record<string, unknown> = {};
  if (changes.status) update.status = changes.status;
  if (changes.error !== undefined) update.error = changes.error;
  if (changes.detail) update.detail = mergeDetail(knex, changes.detail);
  if (changes.started) update.started_at = knex.raw("coalesce(started_at, now())");
  if (changes.finished) update.finished_at = knex.fn.now();
  await knex("sync_runs").where({ id: runId }).update(update);
}

/** Marks a run failed unless it already ended; returns whether it did. */
export async function failRun(knex: Knex, runId: string, error: string): Promise<boolean> {
  const count = await knex("sync_runs")
    .where({ id: runId })
    .whereIn("status", ["queued", "running"])
    .update({ status: "failed", error, finished_at: knex.fn.now(), detail: mergeDetail(knex, { phase: "finished" }) });
  return count > 0;
}

export const FINISHED_STATUSES: readonly RunStatus[] = ["succeeded", "partial", "failed", "cancelled"];
