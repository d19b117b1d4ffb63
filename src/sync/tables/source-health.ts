import type { Knex } from "knex";

/** One source whose read did not complete, and why. */
export interface ReadProblem {
  /** "poweroffice.ContactPerson", "chargebee.customer" */
  source: string;
  reason: string;
}

export interface SourceHealth {
  source: string;
  consecutiveFailures: number;
  lastError: string | null;
  lastFailedAt: Date | null;
  lastSucceededAt: Date | null;
}

interface SourceHealthRow {
  source: string;
  consecutive_failures: number;
  last_error: string | null;
  last_failed_at: Date | null;
  last_succeeded_at: Date | null;
}

function toHealth(row: SourceHealthRow): SourceHealth {
  return {
    source: row.source,
    consecutiveFailures: Number(row.consecutive_failures),
    lastError: row.last_error,
    lastFailedAt: row.last_failed_at,
    lastSucceededAt: row.last_succeeded_at,
  };
}

export interface HealthUpdate {
  /** Sources that had failed before this read and read completely now. */
  recovered: string[];
  /** Failed sources with how many runs in a row they have failed (this one included). */
  failing: Array<ReadProblem & { consecutiveFailures: number }>;
}

/**
 * Records how each source's read went: a failure adds to its run of failures, a complete read ends it. Returns the
 * sources that recovered and each failing one's count, for the run's detail and the alert.
 */
export async function recordSourceHealth(
  knex: Knex,
  runId: string | undefined,
  read: { succeeded: readonly string[]; failed: readonly ReadProblem[] },
): Promise<HealthUpdate> {
  return knex.transaction(async (trx) => {
    const sources = [...read.succeeded, ...read.failed.map((problem) => problem.source)];
    const before = new Map(
      ((await trx("sync_source_health").whereIn("source", sources).select("*")) as SourceHealthRow[]).map((row) => [row.source, toHealth(row)]),
    );
    const recovered = read.succeeded.filter((source) => (before.get(source)?.consecutiveFailures ?? 0) > 0);
    if (read.succeeded.length > 0) {
      await trx("sync_source_health")
        .insert(read.succeeded.map((source) => ({ source, consecutive_failures: 0, last_succeeded_at: trx.fn.now(), last_run_id: runId ?? null })))
        .onConflict("source")
        .merge({ consecutive_failures: 0, last_succeeded_at: trx.fn.now(), last_run_id: runId ?? null, updated_at: trx.fn.now() });
    }
    const failing: HealthUpdate["failing"] = [];
    for (const problem of read.failed) {
      const [row] = (await trx("sync_source_health")
        .insert({
          source: problem.source,
          consecutive_failures: 1,
          last_error: problem.reason.slice(0, 2000),
          last_failed_at: trx.fn.now(),
          last_run_id: runId ?? null,
        })
        .onConflict("source")
        .merge({
          consecutive_failures: trx.raw("sync_source_health.consecutive_failures + 1"),
          last_error: trx.raw("excluded.last_error"),
          last_failed_at: trx.fn.now(),
          last_run_id: runId ?? null,
          updated_at: trx.fn.now(),
        })
        .returning("consecutive_failures")) as Array<{ consecutive_failures: number }>;
      failing.push({ ...problem, consecutiveFailures: Number(row?.consecutive_failures ?? 1) });
    }
    return { recovered, failing };
  });
}

/** Every source's health, worst first (for /metrics and operators). */
export async function listSourceHealth(knex: Knex): Promise<SourceHealth[]> {
  const rows = (await knex("sync_source_health").orderBy([
    { column: "consecutive_failures", order: "desc" },
    { column: "source" },
  ])) as SourceHealthRow[];
  return rows.map(toHealth);
}
