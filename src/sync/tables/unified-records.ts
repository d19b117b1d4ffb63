import type { Knex } from "knex";
import { insertChunked } from "./chunked.js";
import type { MappedValues, UnifiedKind } from "../model/flow-definition.js";

/** A unified record as a commit writes it. */
export interface UnifiedUpsert {
  id: string;
  kind: UnifiedKind;
  agreed: MappedValues;
  email: string | null;
  name: string | null;
  syncState: "synced" | "conflict" | "quarantined" | "unlinked";
}

/** Inserts unified records, or merges their agreed values, email, name and state into the stored ones. */
export async function upsertUnifiedRecords(trx: Knex, rows: readonly UnifiedUpsert[]): Promise<void> {
    const unified = rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      agreed: JSON.stringify(row.agreed),
      email: row.email,
      name: row.name,
      sync_state: row.syncState,
      last_synced_at: trx.fn.now(),
    }));
    await insertChunked(trx, unified, (chunk) =>
      trx("unified_records")
        .insert(chunk)
        .onConflict("id")
        .merge({
          agreed: trx.raw("unified_records.agreed || excluded.agreed"),
          email: trx.raw("coalesce(excluded.email, unified_records.email)"),
          name: trx.raw("coalesce(excluded.name, unified_records.name)"),
          sync_state: trx.raw("excluded.sync_state"),
          last_synced_at: trx.raw("excluded.last_synced_at"),
          updated_at: trx.fn.now(),
        }),
    );
}

/** Unified customers with one of these (case-folded) emails and their Chargebee customer, oldest link first. */
export async function linkedCustomersByEmail(knex: Knex, emails: readonly string[]): Promise<Array<{ email: string; unifiedId: string; chargebeeId: string }>> {
  const rows = (await knex("unified_records as u")
    .join("links as l", function joinChargebee() {
      this.on("l.unified_id", "u.id").andOnVal("l.system", "chargebee").andOnVal("l.entity", "customer").andOnVal("l.status", "<>", "deleted");
    })
    .where("u.kind", "customer")
    .whereIn("u.email", emails as string[])
    .orderBy("l.id")
    .select("u.email", "u.id as unified_id", "l.source_id")) as Array<{ email: string; unified_id: string; source_id: string }>;
  return rows.map((row) => ({ email: row.email, unifiedId: row.unified_id, chargebeeId: row.source_id }));
}

/** A unified record a link made by hand starts (nothing agreed yet). */
export async function insertPendingUnifiedRecord(knex: Knex, id: string, kind: UnifiedKind): Promise<void> {
  await knex("unified_records").insert({ id, kind, agreed: "{}", sync_state: "pending" });
}

/** Marks 'unlinked' those of these unified records that have no active link left (every side deleted or unlinked). */
export async function markUnlinkedWhereNoLinkLeft(trx: Knex, unifiedIds: readonly string[]): Promise<void> {
  if (unifiedIds.length === 0) return;
  await trx.raw(
    `update unified_records u set sync_state = 'unlinked', updated_at = now()
      where u.id = any(?::uuid[]) and u.sync_state <> 'unlinked'
        and not exists (select 1 from links l where l.unified_id = u.id and l.status <> 'deleted')`,
    [unifiedIds] as unknown as Knex.RawBinding[],
  );
}
