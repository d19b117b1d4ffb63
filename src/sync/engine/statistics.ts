import type { Knex } from "knex";

/** The tables the planning and batch-loading queries join; a sync grows them by thousands of rows. */
const SYNC_TABLES = ["dataset_records", "links", "unified_records", "sync_record_state"];

/**
 * A first sync adds thousands of rows between autovacuum's visits. With statistics taken when `links` was empty, the
 * planner sees one-row tables and joins them with nested loops over everything (an order batch's reference lookup
 * took seconds and grew with the square of the data). A table whose row count moved well away from what its last
 * analyze saw is analyzed now; when little changed (incremental polls, later batches of a stage) it costs a count.
 */
export async function refreshStatistics(knex: Knex): Promise<void> {
  const stale: string[] = [];
  for (const table of SYNC_TABLES) {
    const estimate = await knex.raw("select reltuples::float8 as estimate from pg_class where relname = ? and relkind = 'r'", [table]);
    const counted = await knex(table).count<{ count: number | string }[]>({ count: "*" });
    const expected = Number((estimate.rows as Array<{ estimate: number }>)[0]?.estimate ?? -1);
    const actual = Number(counted[0]!.count);
    if (expected < 0 ? actual > 200 : Math.abs(actual - expected) > 200 + 0.1 * expected) stale.push(table);
  }
  if (stale.length > 0) await knex.raw(`analyze ${stale.join(", ")}`);
}
