import type { Knex } from "knex";
import { insertChunked } from "./chunked.js";
import type { SystemName } from "../../config/config.js";

/** One thing the sync did or saw about a record (create, update, link, quarantine, skip, error, …). */
export interface EventInsert {
  unifiedId: string | null;
  flow: string;
  system: SystemName;
  entity: string;
  sourceId: string;
  action: string;
  detail: Record<string, unknown>;
}

/** Appends events to a record's history. */
export async function insertEvents(trx: Knex, runId: string | null, rows: readonly EventInsert[]): Promise<void> {
  await insertChunked(
    trx,
    rows.map((event) => ({
      run_id: runId,
      unified_id: event.unifiedId,
      flow: event.flow,
      system: event.system,
      entity: event.entity,
      source_id: event.sourceId,
      action: event.action,
      detail: JSON.stringify(event.detail),
    })),
    (chunk) => trx("sync_events").insert(chunk),
  );
}
