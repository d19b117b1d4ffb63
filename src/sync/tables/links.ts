import type { Knex } from "knex";
import { insertChunked } from "./chunked.js";
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
    rows.push(
      ...((await knex<LinkRow>("links").where({ flow, system, entity }).whereIn("source_id", ids).whereNot("status", "deleted")) as LinkRow[]),
    );
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
        this.on("lc.unified_id", "lp.unified_id")
          .andOnVal("lc.system", "chargebee")
          .andOnVal("lc.entity", chargebeeEntity)
          .andOnVal("lc.status", "<>", "deleted");
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

/** In a link's agreed values, the values a person chose (a resolved conflict, a mutation), written on the next sync. */
export const OVERRIDES_KEY = "__overrides";
/** Beside them, why each was chosen and by whom (the history's why and who). */
export const OVERRIDE_ORIGINS_KEY = "__override_origins";

/** Why a queued value was chosen: resolveConflict decided it, or a mutation wrote it; who is the caller's name. */
export interface OverrideOrigin {
  why: "resolution" | "mutation";
  who: string | null;
}

/** A link as a commit writes it. */
export interface LinkUpsert {
  unifiedId: string;
  system: SystemName;
  entity: string;
  sourceId: string;
  flow: string;
  agreed: MappedValues;
  agreedSourceChangedAt: Date | null;
  status: "active" | "deleted";
}

/** Inserts links, or updates the stored link of the same flow and record. */
export async function upsertLinks(trx: Knex, rows: readonly LinkUpsert[]): Promise<void> {
  const links = rows.map((link) => ({
    unified_id: link.unifiedId,
    system: link.system,
    entity: link.entity,
    source_id: link.sourceId,
    flow: link.flow,
    agreed: JSON.stringify(link.agreed),
    agreed_source_changed_at: link.agreedSourceChangedAt,
    last_synced_at: trx.fn.now(),
    status: link.status,
  }));
  await insertChunked(trx, links, (chunk) =>
    trx("links")
      .insert(chunk)
      .onConflict(["flow", "system", "entity", "source_id"])
      .merge(
        ["unified_id", "agreed", "agreed_source_changed_at", "last_synced_at", "status", "updated_at"].reduce(
          (merge, column) => ({ ...merge, [column]: column === "updated_at" ? trx.fn.now() : trx.raw(`excluded.${column}`) }),
          {} as Record<string, unknown>,
        ),
      ),
  );
}

/**
 * Live Chargebee records of a type whose name property is one of these names, each with the unified record it is
 * linked to (if any): the candidates an organisation is matched to by exact name.
 */
export async function chargebeeRecordsNamed(
  knex: Knex,
  entity: string,
  property: string,
  names: readonly string[],
): Promise<Array<{ name: string; sourceId: string; unifiedId: string | null }>> {
  const rows = (await knex("dataset_records as d")
    .leftJoin("links as l", function joinLink() {
      this.on("l.source_id", "d.source_id").andOnVal("l.system", "chargebee").andOn("l.entity", "d.entity").andOnVal("l.status", "<>", "deleted");
    })
    .where({ "d.system": "chargebee", "d.entity": entity, "d.deleted": false })
    .whereIn(knex.raw("d.data->>?", [property]) as unknown as string, names as string[])
    .orderBy("d.source_id")
    .select(knex.raw("d.data->>? as name", [property]), "d.source_id", "l.unified_id")) as Array<{
    name: string;
    source_id: string;
    unified_id: string | null;
  }>;
  return rows.map((row) => ({ name: row.name, sourceId: row.source_id, unifiedId: row.unified_id }));
}

/** The active link of one record (in one flow, or the oldest of any flow), or undefined. */
export async function activeLink(
  knex: Knex,
  key: { flow?: string; system: SystemName; entity: string; sourceId: string },
): Promise<LinkRow | undefined> {
  const builder = knex<LinkRow>("links").where({ system: key.system, entity: key.entity, source_id: key.sourceId }).whereNot("status", "deleted");
  if (key.flow) builder.where({ flow: key.flow });
  return (await builder.orderBy("id").first()) as LinkRow | undefined;
}

/** Every active link of one record (in one flow, or in all). */
export async function activeLinksOfRecord(
  knex: Knex,
  key: { flow?: string; system: SystemName; entity: string; sourceId: string },
): Promise<LinkRow[]> {
  return (await activeLinksOfRecordQuery(knex, key)) as LinkRow[];
}

/** activeLinksOfRecord as a query builder, for a caller that runs it itself (the link subgraph's unlink, .first()). */
export function activeLinksOfRecordQuery(
  knex: Knex,
  key: { flow?: string; system: SystemName; entity: string; sourceId: string },
): Knex.QueryBuilder {
  const builder = knex<LinkRow>("links").where({ system: key.system, entity: key.entity, source_id: key.sourceId }).whereNot("status", "deleted");
  if (key.flow) builder.where({ flow: key.flow });
  return builder;
}

/** The active link of a unified record's side in one flow, or undefined. */
export async function activeLinkOfUnified(knex: Knex, unifiedId: string, flow: string, system: SystemName): Promise<LinkRow | undefined> {
  return (await knex<LinkRow>("links").where({ unified_id: unifiedId, flow, system }).whereNot("status", "deleted").first()) as LinkRow | undefined;
}

/** Whether a unified record has an active PowerOffice link in this flow besides the one of `exceptSourceId`. */
export async function hasOtherPowerOfficeLink(knex: Knex, unifiedId: string, flow: string, exceptSourceId: string): Promise<boolean> {
  const other = await knex("links")
    .where({ unified_id: unifiedId, flow, system: "poweroffice" })
    .whereNot("status", "deleted")
    .whereNot("source_id", exceptSourceId)
    .first("id");
  return Boolean(other);
}

/** Closes a unified record's active links in one flow (only one record's, with `only`); returns how many. */
export async function closeLinks(knex: Knex, unifiedId: string, flow: string, only?: { system: SystemName; sourceId: string }): Promise<number> {
  const builder = knex("links").where({ unified_id: unifiedId, flow }).whereNot("status", "deleted");
  if (only) builder.where({ system: only.system, source_id: only.sourceId });
  return builder.update({ status: "deleted", updated_at: knex.fn.now() });
}

/** Links two records by hand: active, with nothing agreed yet (the next sync compares them as a first link). */
export async function linkPairByHand(
  knex: Knex,
  unifiedId: string,
  flow: string,
  sides: ReadonlyArray<{ system: SystemName; entity: string; sourceId: string }>,
): Promise<void> {
  await knex("links")
    .insert(
      sides.map((side) => ({
        system: side.system,
        entity: side.entity,
        source_id: side.sourceId,
        unified_id: unifiedId,
        flow,
        agreed: "{}",
        status: "active",
      })),
    )
    .onConflict(["flow", "system", "entity", "source_id"])
    .merge({ unified_id: knex.raw("excluded.unified_id"), agreed: "{}", status: "active", updated_at: knex.fn.now() });
}

/** The PowerOffice records (and their flows) linked to the same unified records as one Chargebee record. */
export async function powerOfficeSidesOf(
  knex: Knex,
  chargebee: { entity: string; sourceId: string },
): Promise<Array<{ flow: string; sourceId: string }>> {
  const rows = (await knex("links as c")
    .join("links as p", "p.unified_id", "c.unified_id")
    .where({ "c.system": "chargebee", "c.entity": chargebee.entity, "c.source_id": chargebee.sourceId, "p.system": "poweroffice" })
    .select("p.flow", "p.source_id")) as Array<{ flow: string; source_id: string }>;
  return rows.map((row) => ({ flow: row.flow, sourceId: row.source_id }));
}

/** A unified record's active links in one flow (both sides). */
export async function activeLinksOfUnified(knex: Knex, unifiedId: string, flow: string): Promise<LinkRow[]> {
  return (await knex<LinkRow>("links").where({ unified_id: unifiedId, flow }).whereNot("status", "deleted")) as LinkRow[];
}

/**
 * Queues values a person chose (a resolved conflict, a mutation): the next sync writes each to whichever side differs.
 * Returns the link as it now is, so a caller queueing more fields on it keeps what this call queued.
 */
export async function queueOverrides(knex: Knex, link: LinkRow, values: Readonly<Record<string, unknown>>, origin: OverrideOrigin): Promise<LinkRow> {
  const overrides = { ...((link.agreed[OVERRIDES_KEY] as Record<string, unknown> | undefined) ?? {}), ...values };
  const origins = { ...((link.agreed[OVERRIDE_ORIGINS_KEY] as unknown as Record<string, OverrideOrigin> | undefined) ?? {}) };
  for (const field of Object.keys(values)) origins[field] = origin;
  const agreed = { ...link.agreed, [OVERRIDES_KEY]: overrides, [OVERRIDE_ORIGINS_KEY]: origins } as unknown as MappedValues;
  await knex("links")
    .where({ id: link.id })
    .update({ agreed: JSON.stringify(agreed), updated_at: knex.fn.now() });
  return { ...link, agreed };
}

/** Takes back queued values of these fields (a mutation a side refused): the sync no longer tries to write them. */
export async function dropOverrides(knex: Knex, linkId: LinkRow["id"], fields: readonly string[]): Promise<void> {
  const link = (await knex<LinkRow>("links").where({ id: linkId }).forUpdate().first()) as LinkRow | undefined;
  if (!link) return;
  const overrides = { ...((link.agreed[OVERRIDES_KEY] as Record<string, unknown> | undefined) ?? {}) };
  const origins = { ...((link.agreed[OVERRIDE_ORIGINS_KEY] as unknown as Record<string, OverrideOrigin> | undefined) ?? {}) };
  if (!fields.some((field) => field in overrides)) return;
  for (const field of fields) {
    delete overrides[field];
    delete origins[field];
  }
  const { [OVERRIDES_KEY]: _o, [OVERRIDE_ORIGINS_KEY]: _r, ...rest } = link.agreed;
  const agreed = Object.keys(overrides).length > 0 ? { ...rest, [OVERRIDES_KEY]: overrides, [OVERRIDE_ORIGINS_KEY]: origins } : rest;
  await knex("links")
    .where({ id: link.id })
    .update({ agreed: JSON.stringify(agreed), updated_at: knex.fn.now() });
}

// The reads below are query builders a caller runs itself: the link subgraph runs each through its per-request
// statement counter.

/** A unified record's links in a stable order: by source record, then flow. */
const LINK_ORDER = "system, entity, length(source_id), source_id, flow";

/** Every link of these unified records (deleted ones too), every column, in a stable order. */
export function linksOfUnifiedQuery(knex: Knex, unifiedIds: readonly string[]): Knex.QueryBuilder {
  return knex("links")
    .whereIn("unified_id", unifiedIds as string[])
    .orderByRaw(LINK_ORDER);
}

/**
 * Every link of these unified records (deleted ones too), in the order of linksOfUnifiedQuery, with only the columns
 * that say where it points: unified_id, system, entity, source_id and status (no jsonb, no timestamps).
 */
export function linkTargetsOfUnifiedQuery(knex: Knex, unifiedIds: readonly string[]): Knex.QueryBuilder {
  return knex("links")
    .select("unified_id", "system", "entity", "source_id", "status")
    .whereIn("unified_id", unifiedIds as string[])
    .orderByRaw(LINK_ORDER);
}
