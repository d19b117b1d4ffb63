import type { Knex } from "knex";
import { insertChunked } from "./chunked.js";
import type { SystemName } from "../../config/config.js";

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
  winner: SystemName;
  reason: string;
}

/** Records conflicts (both sides changed a field differently) with the rule's winner. */
export async function insertConflicts(trx: Knex, rows: readonly ConflictInsert[]): Promise<void> {
  await insertChunked(
    trx,
    rows.map((conflict) => ({
      unified_id: conflict.unifiedId,
      flow: conflict.flow,
      field: conflict.field,
      agreed_value: JSON.stringify(conflict.agreedValue ?? null),
      poweroffice_value: JSON.stringify(conflict.powerofficeValue ?? null),
      chargebee_value: JSON.stringify(conflict.chargebeeValue ?? null),
      poweroffice_changed_at: conflict.powerofficeChangedAt,
      chargebee_changed_at: conflict.chargebeeChangedAt,
      winner: conflict.winner,
      reason: conflict.reason,
    })),
    (chunk) => trx("conflicts").insert(chunk),
  );
}
