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

/** A record a link-only flow (F5, F6) found no counterpart for, as the reads below return it. */
export interface UnmatchedRecordRow {
  flow: string;
  system: SystemName;
  entity: string;
  source_id: string;
  reason: string | null;
  updated_at: Date | string;
}

/** Records left unmatched, optionally of one flow, without order or limit (a query builder the caller runs and pages). */
export function unmatchedRecordsQuery(knex: Knex, flow?: string | null): Knex.QueryBuilder {
  const query = knex("sync_record_state").where({ status: "unmatched" }).select("flow", "system", "entity", "source_id", "reason", "updated_at");
  if (flow) query.where({ flow });
  return query;
}
