import type { Knex } from "knex";
import { countsOf, getSyncRun } from "./run-store.js";
import { readBudgetWaited } from "./run-waits.js";
import type { RunCounts, RunWait, SyncRunRow, Vendor } from "./types.js";

export interface RunReportRow {
  /** "read" for reading the sources, a flow ("F7") or flows decided together ("F1+F2"), or "total". */
  label: string;
  counts: RunCounts;
  batches: number;
  durationMs: number | null;
}

export interface RunReport {
  run: SyncRunRow;
  rows: RunReportRow[];
  /** The runs this one waited for before it started, as they are now (null: gone). */
  waited: Array<{ wait: RunWait; run: SyncRunRow | null }>;
  /** Open quarantine entries of the run's flows now (whichever run quarantined them), per flow. */
  openQuarantine: Array<{ flow: string; count: number }>;
  /** How long its batches waited on each vendor's request budget, in ms. */
  budgetWaited: Partial<Record<Vendor, number>>;
}

/** Per-flow counts and durations of a run, from its batches, with the reading phase first and the total last. */
export async function readRunReport(knex: Knex, run: SyncRunRow): Promise<RunReport> {
  const grouped: Array<Record<string, unknown>> = await knex("sync_run_batches")
    .where({ run_id: run.id })
    .groupBy("label")
    .select(
      "label",
      knex.raw("min(stage) as stage"),
      knex.raw("count(*)::int as batches"),
      knex.raw("sum(records_seen)::int as records_seen, sum(created)::int as created, sum(updated)::int as updated"),
      knex.raw("sum(deleted)::int as deleted, sum(unchanged)::int as unchanged, sum(conflicts)::int as conflicts"),
      knex.raw("sum(quarantined)::int as quarantined, sum(api_calls)::int as api_calls"),
      knex.raw("sum(errors)::int as errors, sum(waiting)::int as waiting"),
      knex.raw("extract(epoch from (max(finished_at) - min(started_at))) * 1000 as duration_ms"),
    )
    .orderBy([{ column: "stage" }, { column: "label" }]);
  const rows: RunReportRow[] = [];
  const read = run.detail.read;
  if (read) {
    rows.push({
      label: "read",
      counts: { ...countsOf({}), ...read.counts },
      batches: 0,
      durationMs: read.durationMs,
    });
  }
  for (const group of grouped) {
    rows.push({
      label: String(group.label),
      counts: countsOf(group),
      batches: Number(group.batches),
      durationMs: group.duration_ms === null ? null : Math.round(Number(group.duration_ms)),
    });
  }
  const end = run.finishedAt ?? new Date();
  rows.push({
    label: "total",
    counts: run.counts,
    batches: run.batchesTotal,
    durationMs: run.startedAt ? end.getTime() - run.startedAt.getTime() : null,
  });
  const waited = await Promise.all((run.detail.waited ?? []).map(async (wait) => ({ wait, run: await getSyncRun(knex, wait.runId) })));
  const open = (await knex("quarantine")
    .where({ status: "open" })
    .whereIn("flow", run.flows)
    .groupBy("flow")
    .orderBy("flow")
    .select("flow")
    .count({ count: "*" })) as Array<{ flow: string; count: number | string }>;
  const budgetWaited = await readBudgetWaited(knex, run);
  return { run, rows, waited, openQuarantine: open.map((row) => ({ flow: row.flow, count: Number(row.count) })), budgetWaited };
}
