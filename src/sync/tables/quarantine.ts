import type { Knex } from "knex";
import type { SystemName } from "../../config/config.js";

/** One record that cannot sync as it is, and why (the reason says what to do). */
export interface QuarantineUpsert {
  flow: string;
  system: SystemName;
  entity: string;
  sourceId: string;
  reason: string;
  payload: Record<string, unknown>;
  /** The version that failed: a new version is tried again. */
  contentHash: string | null;
}

const ROWS = 500;

/** Opens (or re-opens, counting the attempt) a quarantine entry per record. */
export async function upsertQuarantine(knex: Knex, entries: readonly QuarantineUpsert[]): Promise<void> {
  for (let start = 0; start < entries.length; start += ROWS) {
    const rows = entries.slice(start, start + ROWS).map((entry) => ({
      flow: entry.flow,
      system: entry.system,
      entity: entry.entity,
      source_id: entry.sourceId,
      reason: entry.reason,
      payload: JSON.stringify(entry.payload),
      content_hash: entry.contentHash,
      status: "open",
      last_seen_at: knex.fn.now(),
    }));
    await knex("quarantine")
      .insert(rows)
      .onConflict(["flow", "system", "entity", "source_id"])
      .merge({
        reason: knex.raw("excluded.reason"),
        payload: knex.raw("excluded.payload"),
        content_hash: knex.raw("excluded.content_hash"),
        status: "open",
        attempts: knex.raw("quarantine.attempts + 1"),
        last_seen_at: knex.fn.now(),
      });
  }
}

/** A record that synced fine: its open quarantine entry, if any, is resolved. */
export interface QuarantineKey {
  flow: string;
  system: SystemName;
  entity: string;
  sourceId: string;
}

/** Resolves the open quarantine entries of these records. */
export async function resolveQuarantine(trx: Knex, keys: readonly QuarantineKey[]): Promise<void> {
  const anyOpen = keys.length > 0 && (await trx("quarantine").where("status", "open").first("id"));
  if (anyOpen)
    for (let start = 0; start < keys.length; start += ROWS) {
      const chunk = keys.slice(start, start + ROWS);
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
}

/**
 * The open quarantine entries of the source records linked (by any link, deleted ones too) to these unified records,
 * oldest first, each row with the unified id as __key: a query builder the link subgraph runs itself.
 */
export function openQuarantineOfUnifiedQuery(knex: Knex, unifiedIds: readonly string[]): Knex.QueryBuilder {
  return knex("quarantine as q")
    .join("links as l", function joinLinks() {
      this.on("l.system", "q.system").andOn("l.entity", "q.entity").andOn("l.source_id", "q.source_id");
    })
    .whereIn("l.unified_id", unifiedIds as string[])
    .where("q.status", "open")
    .distinct("q.*", knex.raw("l.unified_id as __key"))
    .orderBy("q.id");
}
