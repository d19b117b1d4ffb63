import type { Knex } from "knex";
import type { SystemName } from "../../config/config.js";

/**
 * What needs a person's attention: quarantined records (bad data, refused writes) and records of link-only flows
 * (F5, F6) that found no Chargebee business entity of the same name. Both say what to do in `reason`.
 */
export interface ActionableRecord {
  kind: "quarantined" | "unmatched";
  flow: string;
  system: SystemName;
  entity: string;
  sourceId: string;
  reason: string;
  /** Quarantine only: the row id (for retryQuarantined) and how often it failed. */
  quarantineId?: number;
  attempts?: number;
  since: Date;
}

export interface ActionableQuery {
  flows?: readonly string[];
  kind?: "quarantined" | "unmatched";
  limit?: number;
  offset?: number;
}

/** Open quarantine entries and unmatched business-entity links, newest first. */
export async function listActionable(knex: Knex, query: ActionableQuery = {}): Promise<ActionableRecord[]> {
  const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
  const flows = query.flows?.length ? [...query.flows] : null;
  const rows: ActionableRecord[] = [];
  if (query.kind !== "unmatched") {
    const builder = knex("quarantine")
      .where({ status: "open" })
      .orderBy("last_seen_at", "desc")
      .limit(limit + (query.offset ?? 0));
    if (flows) builder.whereIn("flow", flows);
    for (const row of (await builder) as Array<Record<string, unknown>>) {
      rows.push({
        kind: "quarantined",
        flow: String(row.flow),
        system: row.system as SystemName,
        entity: String(row.entity),
        sourceId: String(row.source_id),
        reason: String(row.reason),
        quarantineId: Number(row.id),
        attempts: Number(row.attempts),
        since: row.first_seen_at as Date,
      });
    }
  }
  if (query.kind !== "quarantined") {
    const builder = knex("sync_record_state")
      .where({ status: "unmatched" })
      .orderBy("updated_at", "desc")
      .limit(limit + (query.offset ?? 0));
    if (flows) builder.whereIn("flow", flows);
    for (const row of (await builder) as Array<Record<string, unknown>>) {
      rows.push({
        kind: "unmatched",
        flow: String(row.flow),
        system: row.system as SystemName,
        entity: String(row.entity),
        sourceId: String(row.source_id),
        reason: String(row.reason ?? "no match"),
        since: row.updated_at as Date,
      });
    }
  }
  rows.sort((a, b) => b.since.getTime() - a.since.getTime());
  return rows.slice(query.offset ?? 0, (query.offset ?? 0) + limit);
}

/** How many records need attention, per kind and flow. */
export async function countActionable(knex: Knex): Promise<Array<{ kind: "quarantined" | "unmatched"; flow: string; count: number }>> {
  const quarantined = (await knex("quarantine").where({ status: "open" }).groupBy("flow").select("flow").count({ count: "*" })) as Array<{
    flow: string;
    count: number | string;
  }>;
  const unmatched = (await knex("sync_record_state").where({ status: "unmatched" }).groupBy("flow").select("flow").count({ count: "*" })) as Array<{
    flow: string;
    count: number | string;
  }>;
  return [
    ...quarantined.map((row) => ({ kind: "quarantined" as const, flow: row.flow, count: Number(row.count) })),
    ...unmatched.map((row) => ({ kind: "unmatched" as const, flow: row.flow, count: Number(row.count) })),
  ];
}
