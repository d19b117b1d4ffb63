import type DataLoader from "dataloader";
import type { SubgraphContext } from "../shared/context.js";
import type { ConflictRow } from "./types/conflict.js";
import type { LinkRow } from "./types/link.js";
import type { QuarantineRow } from "./types/quarantine-entry.js";
import type { UnifiedRow } from "./types/unified.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

export type UnifiedKindName = UnifiedRow["kind"];

function group<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((key) => groups.get(key) ?? []);
}

/** Unified records of one kind by id (one statement per kind per request). */
export function unifiedById(ctx: SubgraphContext, kind: UnifiedKindName): DataLoader<string, UnifiedRow | null> {
  return ctx.loader<string, UnifiedRow | null>(`unified:${kind}`, async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length === 0 ? [] : await ctx.sql.rows<UnifiedRow>(ctx.sql.knex("unified_records").where({ kind }).whereIn("id", valid));
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Every link of each unified record (deleted ones too), in a stable order. */
export function linksOf(ctx: SubgraphContext): DataLoader<string, LinkRow[]> {
  return ctx.loader<string, LinkRow[]>("links:byUnified", async (ids) => {
    const rows = await ctx.sql.rows<LinkRow>(
      ctx.sql.knex("links").whereIn("unified_id", [...ids]).orderByRaw("system, entity, length(source_id), source_id, flow"),
    );
    return group(ids, rows, (row) => row.unified_id);
  });
}

/** Conflicts of each unified record with the given status, oldest first. */
export function conflictsOf(ctx: SubgraphContext, status: "open" | "resolved" | null): DataLoader<string, ConflictRow[]> {
  return ctx.loader<string, ConflictRow[]>(`conflicts:byUnified:${status ?? "all"}`, async (ids) => {
    const query = ctx.sql.knex("conflicts").whereIn("unified_id", [...ids]).orderBy("id");
    if (status) query.where({ status });
    return group(ids, await ctx.sql.rows<ConflictRow>(query), (row) => row.unified_id);
  });
}

/** Open quarantine entries of the source records linked to each unified record. */
export function quarantineOf(ctx: SubgraphContext): DataLoader<string, QuarantineRow[]> {
  return ctx.loader<string, QuarantineRow[]>("quarantine:byUnified", async (ids) => {
    const knex = ctx.sql.knex;
    const rows = await ctx.sql.rows<QuarantineRow & { __key: string }>(
      knex("quarantine as q")
        .join("links as l", function joinLinks() {
          this.on("l.system", "q.system").andOn("l.entity", "q.entity").andOn("l.source_id", "q.source_id");
        })
        .whereIn("l.unified_id", [...ids])
        .where("q.status", "open")
        .distinct("q.*", knex.raw("l.unified_id as __key"))
        .orderBy("q.id"),
    );
    return group(ids, rows, (row) => row.__key);
  });
}

export interface SourceKey {
  system: "poweroffice" | "chargebee";
  entity: string;
  sourceId: string;
}

const sourceKey = (key: SourceKey) => `${key.system}\u0000${key.entity}\u0000${key.sourceId}`;

/** The unified record of `kind` a source record is linked to (not through deleted links). */
export function unifiedBySource(ctx: SubgraphContext, kind: UnifiedKindName): DataLoader<SourceKey, UnifiedRow | null> {
  const loader = ctx.loader<string, UnifiedRow | null>(`unified:bySource:${kind}`, async (keys) => {
    const tuples = keys.map((key) => key.split("\u0000"));
    const rows = await ctx.sql.rows<UnifiedRow & { __system: string; __entity: string; __source_id: string }>(
      ctx.sql
        .knex("links as l")
        .join("unified_records as u", "u.id", "l.unified_id")
        .where("u.kind", kind)
        .whereNot("l.status", "deleted")
        .whereIn(["l.system", "l.entity", "l.source_id"], tuples)
        .select("u.*", "l.system as __system", "l.entity as __entity", "l.source_id as __source_id")
        .orderBy("u.created_at"),
    );
    const byKey = new Map<string, UnifiedRow>();
    for (const row of rows) {
      const key = sourceKey({ system: row.__system as SourceKey["system"], entity: row.__entity, sourceId: row.__source_id });
      if (!byKey.has(key)) byKey.set(key, row);
    }
    return keys.map((key) => byKey.get(key) ?? null);
  });
  return {
    load: (key: SourceKey) => loader.load(sourceKey(key)),
  } as DataLoader<SourceKey, UnifiedRow | null>;
}

/** Unified orders whose agreed Chargebee customer is linked to each unified customer. */
export function ordersOfCustomer(ctx: SubgraphContext): DataLoader<string, UnifiedRow[]> {
  return ctx.loader<string, UnifiedRow[]>("orders:byCustomer", async (ids) => {
    const knex = ctx.sql.knex;
    const rows = await ctx.sql.rows<UnifiedRow & { __key: string }>(
      knex("unified_records as u")
        .join("links as l", function joinCustomerLinks() {
          this.on(knex.raw("u.agreed->>'customerId'") as unknown as string, "=", "l.source_id")
            .andOnVal("l.system", "chargebee")
            .andOnVal("l.entity", "customer")
            .andOnVal("l.status", "<>", "deleted");
        })
        .where("u.kind", "order")
        .whereIn("l.unified_id", [...ids])
        .distinct("u.*", knex.raw("l.unified_id as __key"))
        .orderBy("u.created_at")
        .orderBy("u.id"),
    );
    return group(ids, rows, (row) => row.__key);
  });
}
