import type { Knex } from "knex";
import { insertChunked } from "./chunked.js";
import type { SystemName } from "../../config/config.js";
import type { ConflictPolicy } from "../../config/conflict-policy.js";

/** A conflict a commit records. */
export interface ConflictInsert {
  unifiedId: string;
  flow: string;
  field: string;
  agreedValue: unknown;
  powerofficeValue: unknown;
  chargebeeValue: unknown;
  powerofficeChangedAt: Date | null;
  chargebeeChangedAt: Date | null;
  /** null: a manual conflict, for resolveConflict to decide. */
  winner: SystemName | null;
  policy: ConflictPolicy;
  reason: string;
}

/** A field of a unified record in one flow. */
export interface ManualConflictKey {
  unifiedId: string;
  flow: string;
  field: string;
}

const row = (conflict: ConflictInsert) => ({
  unified_id: conflict.unifiedId,
  flow: conflict.flow,
  field: conflict.field,
  agreed_value: JSON.stringify(conflict.agreedValue ?? null),
  poweroffice_value: JSON.stringify(conflict.powerofficeValue ?? null),
  chargebee_value: JSON.stringify(conflict.chargebeeValue ?? null),
  poweroffice_changed_at: conflict.powerofficeChangedAt,
  chargebee_changed_at: conflict.chargebeeChangedAt,
  winner: conflict.winner,
  policy: conflict.policy,
  reason: conflict.reason,
});

/**
 * Records conflicts (both sides changed a field differently) with the rule's winner. A manual conflict already open
 * for the same field takes the latest values instead of a second row: it stays one question for a person.
 */
export async function insertConflicts(trx: Knex, rows: readonly ConflictInsert[]): Promise<void> {
  const manual = new Map<string, ConflictInsert>();
  for (const conflict of rows) {
    if (conflict.policy === "manual") manual.set(`${conflict.unifiedId}\u0000${conflict.flow}\u0000${conflict.field}`, conflict);
  }
  for (const conflict of manual.values()) {
    const { unified_id, flow, field, ...latest } = row(conflict);
    const updated = await trx("conflicts").where({ unified_id, flow, field, status: "open", policy: "manual" }).update(latest);
    if (updated === 0) await trx("conflicts").insert(row(conflict));
  }
  await insertChunked(trx, rows.filter((conflict) => conflict.policy !== "manual").map(row), (chunk) => trx("conflicts").insert(chunk));
}

/** Open manual conflicts on fields whose sides agree now are resolved: nobody has to decide them any more. */
export async function settleManualConflicts(trx: Knex, keys: readonly ManualConflictKey[]): Promise<void> {
  for (let start = 0; start < keys.length; start += 500) {
    const chunk = keys.slice(start, start + 500).map((key) => [key.unifiedId, key.flow, key.field]);
    await trx("conflicts")
      .where({ status: "open", policy: "manual" })
      .whereIn(["unified_id", "flow", "field"], chunk)
      .update({ status: "resolved", resolved_by: "sync: both sides hold the same value", resolved_at: trx.fn.now() });
  }
}
