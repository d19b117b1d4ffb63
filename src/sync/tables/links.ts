import type { Knex } from "knex";
import type { SystemName } from "../../config/config.js";
import type { MappedValues } from "../model/flow-definition.js";

export interface LinkRow {
  id: number;
  unified_id: string;
  system: SystemName;
  entity: string;
  source_id: string;
  flow: string;
  agreed: MappedValues;
  agreed_source_changed_at: Date | null;
  last_synced_at: Date | null;
  status: "active" | "pending" | "conflict" | "quarantined" | "deleted";
}

const CHUNK = 5000;

function chunks<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < values.length; start += CHUNK) out.push(values.slice(start, start + CHUNK));
  return out;
}

/** Active links of one flow's records on one side. */
export async function linksBySource(knex: Knex, flow: string, system: SystemName, entity: string, sourceIds: readonly string[]): Promise<LinkRow[]> {
  const rows: LinkRow[] = [];
  for (const ids of chunks(sourceIds)) {
    rows.push(...((await knex<LinkRow>("links").where({ flow, system, entity }).whereIn("source_id", ids).whereNot("status", "deleted")) as LinkRow[]));
  }
  return rows;
}

/** Active links of unified records on one side (any flow). */
export async function linksByUnified(knex: Knex, system: SystemName, unifiedIds: readonly string[]): Promise<LinkRow[]> {
  const rows: LinkRow[] = [];
  for (const ids of chunks(unifiedIds)) {
    rows.push(...((await knex<LinkRow>("links").where({ system }).whereIn("unified_id", ids).whereNot("status", "deleted")) as LinkRow[]));
  }
  return rows;
}

/**
 * PowerOffice records → the Chargebee id linked to them (any flow), for one pair of types: an order's customer, a
 * line's product, a department's business entity.
 */
export async function resolveLinkedIds(
  knex: Knex,
  powerofficeEntity: string,
  chargebeeEntity: string,
  sourceIds: readonly string[],
): Promise<Map<string, string>> {
  const resolved = new Map<string, string>();
  for (const ids of chunks(sourceIds)) {
    const rows = (await knex("links as lp")
      .join("links as lc", function joinChargebeeSide() {
        this.on("lc.unified_id", "lp.unified_id").andOnVal("lc.system", "chargebee").andOnVal("lc.entity", chargebeeEntity).andOnVal("lc.status", "<>", "deleted");
      })
      .where({ "lp.system": "poweroffice", "lp.entity": powerofficeEntity })
      .whereNot("lp.status", "deleted")
      .whereIn("lp.source_id", ids)
      .orderBy("lc.source_id")
      .select("lp.source_id as po_id", "lc.source_id as cb_id")) as Array<{ po_id: string; cb_id: string }>;
    for (const row of rows) if (!resolved.has(row.po_id)) resolved.set(row.po_id, row.cb_id);
  }
  return resolved;
}

/** In a link's agreed values, the values a person chose when resolving a conflict, written on the next sync. */
export const OVERRIDES_KEY = "__overrides";
