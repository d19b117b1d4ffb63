import type { Knex } from "knex";
import { insertChunked } from "./chunked.js";
import type { SystemName } from "../../config/config.js";

/** Which version of a record a flow processed, and how it ended. */
export interface StateUpsert {
  flow: string;
  system: SystemName;
  entity: string;
  sourceId: string;
  contentHash: string;
  status: "done" | "quarantined" | "unmatched" | "deleted";
  reason: string | null;
}

/** Records, per flow and record, the content hash processed and how it ended. */
export async function upsertRecordStates(trx: Knex, rows: readonly StateUpsert[]): Promise<void> {
    const states = rows.map((state) => ({
      flow: state.flow,
      system: state.system,
      entity: state.entity,
      source_id: state.sourceId,
      content_hash: state.contentHash,
      status: state.status,
      reason: state.reason,
      updated_at: trx.fn.now(),
    }));
    await insertChunked(trx, states, (chunk) =>
      trx("sync_record_state")
        .insert(chunk)
        .onConflict(["flow", "system", "entity", "source_id"])
        .merge(["content_hash", "status", "reason", "updated_at"]),
    );
}
