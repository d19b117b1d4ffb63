import type { Knex } from "knex";

/** The tables the planning and batch-loading queries join; a sync grows them by thousands of rows. */
const SYNC_TABLES = ["dataset_records", "links", "unified_records", "sync_record_state"];

/**
 * A first sync adds thousands of rows between autovacuum's visits. With statistics taken when `links` was empty, the
 * planner sees one-row tables and joins them with nested loops over everything (an order batch's reference lookup
 * took seconds and grew with the square of the data). A table whose row count moved well away from what its last
 * analyze saw is analyzed now; when little changed (incremental polls, later batches of a stage) it costs a count.
 * `tolerance` is the share of the estimate a count may move before an analyze: planning (once a run) uses 10%; the
 * per-batch check uses more, since each batch adds rows and an analyze of dataset_records (jsonb) takes seconds,
 * while a plan only goes wrong when an estimate is off by a large factor. Doubling tables are then analyzed
 * O(log rows) times a run.
 */
export async function refreshStatistics(knex: Knex, { tolerance = 0.1 }: { tolerance?: number } = {}): Promise<void> {
  const stale: string[] = [];
  for (const table of SYNC_TABLES) {
    const estimate = await knex.raw("select reltuples::float8 as estimate from pg_class where relname = ? and relkind = 'r'", [table]);
    const counted = await knex(table).count<{ count: number | string }[]>({ count: "*" });
    const expected = Number((estimate.rows as Array<{ estimate: number }>)[0]?.estimate ?? -1);
    const actual = Number(counted[0]!.count);
    if (expected < 0 ? actual > 200 : Math.abs(actual - expected) > 200 + tolerance * expected) stale.push(table);
  }
  if (stale.length > 0) await knex.raw(`analyze ${stale.join(", ")}`);
}
