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
