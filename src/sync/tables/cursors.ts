import type { Knex } from "knex";
import type { SystemName } from "../../config/config.js";

/** Where each source's incremental read stopped (PowerOffice: a LastChangedDateTimeOffset; Chargebee: epoch seconds). */
export async function readCursor(knex: Knex, system: SystemName, entity: string): Promise<string | null> {
  const row = (await knex("sync_cursors").where({ system, entity }).first("cursor")) as { cursor: string } | undefined;
  return row?.cursor ?? null;
}

export async function writeCursor(knex: Knex, system: SystemName, entity: string, cursor: string): Promise<void> {
  await knex("sync_cursors")
    .insert({ system, entity, cursor, updated_at: knex.fn.now() })
    .onConflict(["system", "entity"])
    .merge({ cursor, updated_at: knex.fn.now() });
}
