import type DataLoader from "dataloader";
import { stageBatchesQuery, waitedBatchesQuery, type BatchApiWaits, type StageBatchRow } from "../../src/sync/index.js";
import { linkTargetsOfUnifiedQuery, linksOfUnifiedQuery } from "../../src/sync/tables/links.js";
import { openQuarantineOfUnifiedQuery } from "../../src/sync/tables/quarantine.js";
import {
  unifiedOrdersByChargebeeCustomerQuery,
  unifiedRecordsByIdQuery,
  unifiedRecordsBySourceQuery,
} from "../../src/sync/tables/unified-records.js";
import type { SubgraphContext } from "../shared/context.js";
import type { ConflictRow } from "./types/conflict.js";
import type { LinkRow } from "./types/link.js";
import type { QuarantineRow } from "./types/quarantine-entry.js";
import { unifiedReadFor, type UnifiedRow } from "./types/unified.js";

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
    const rows =
      valid.length === 0
        ? []
        : await ctx.sql.rows<UnifiedRow>(unifiedRecordsByIdQuery(ctx.sql.knex, kind, valid, unifiedReadFor(ctx.operation.fieldsAsked)));
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Every link of each unified record (deleted ones too), in a stable order. */
export function linksOf(ctx: SubgraphContext): DataLoader<string, LinkRow[]> {
  return ctx.loader<string, LinkRow[]>("links:byUnified", async (ids) => {
    const rows = await ctx.sql.rows<LinkRow>(linksOfUnifiedQuery(ctx.sql.knex, ids));
    return group(ids, rows, (row) => row.unified_id);
  });
}

/** Conflicts of each unified record with the given status, oldest first. */
export function conflictsOf(ctx: SubgraphContext, status: "open" | "resolved" | null): DataLoader<string, ConflictRow[]> {
  return ctx.loader<string, ConflictRow[]>(`conflicts:byUnified:${status ?? "all"}`, async (ids) => {
    const query = ctx.sql
      .knex("conflicts")
      .whereIn("unified_id", [...ids])
      .orderBy("id");
    if (status) query.where({ status });
    return group(ids, await ctx.sql.rows<ConflictRow>(query), (row) => row.unified_id);
  });
}

/** Open quarantine entries of the source records linked to each unified record. */
export function quarantineOf(ctx: SubgraphContext): DataLoader<string, QuarantineRow[]> {
  return ctx.loader<string, QuarantineRow[]>("quarantine:byUnified", async (ids) => {
    const rows = await ctx.sql.rows<QuarantineRow & { __key: string }>(openQuarantineOfUnifiedQuery(ctx.sql.knex, ids));
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
    const sources = keys.map((key) => key.split("\u0000") as [string, string, string]);
    const rows = await ctx.sql.rows<UnifiedRow & { __system: string; __entity: string; __source_id: string }>(
      unifiedRecordsBySourceQuery(ctx.sql.knex, kind, sources, unifiedReadFor(ctx.operation.fieldsAsked)),
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

/** The columns of a link that say where it points: what reference fields need (no jsonb, no timestamps). */
export type LinkTarget = Pick<LinkRow, "unified_id" | "system" | "entity" | "source_id" | "status">;

/**
 * Every link of each unified record (deleted ones too), in the order of linksOf, with only the columns a reference
 * needs: reference fields are asked for on every row of a list, and parsing agreed and four timestamps per link was
 * most of the link subgraph's time. What is loaded stays readable synchronously (loaded()), so a list that prefetches
 * its rows' links lets their reference fields answer without a promise each (six per customer in a typical query).
 */
export class LinkTargets {
  private readonly byUnified = new Map<string, LinkTarget[]>();
  private readonly loader: DataLoader<string, LinkTarget[]>;

  constructor(ctx: SubgraphContext) {
    this.loader = ctx.loader<string, LinkTarget[]>("linkTargets:byUnified", async (ids) => {
      const rows = await ctx.sql.rows<LinkTarget>(linkTargetsOfUnifiedQuery(ctx.sql.knex, ids));
      const groups = group(ids, rows, (row) => row.unified_id);
      ids.forEach((id, index) => this.byUnified.set(id, groups[index]!));
      return groups;
    });
  }

  load(unifiedId: string): Promise<LinkTarget[]> {
    return this.loader.load(unifiedId);
  }

  /** The links of a unified record when a batch has loaded them already. */
  loaded(unifiedId: string): LinkTarget[] | undefined {
    return this.byUnified.get(unifiedId);
  }

  /**
   * Loads the links of many unified records in one batch (the rows of a list). Kept from loadMany's results, not only
   * from the batch function: the request's DataLoader is shared by the context copies Apollo makes per operation, and
   * its batch function fills the map of whichever copy created it. A failed batch is thrown, not read as "no links".
   */
  async prefetch(unifiedIds: readonly string[]): Promise<void> {
    if (unifiedIds.length === 0) return;
    const lists = await this.loader.loadMany(unifiedIds);
    lists.forEach((list, index) => {
      if (list instanceof Error) throw list;
      this.byUnified.set(unifiedIds[index]!, list);
    });
  }
}

const linkTargetsByRequest = new WeakMap<SubgraphContext, LinkTargets>();

export function linkTargetsOf(ctx: SubgraphContext): LinkTargets {
  let targets = linkTargetsByRequest.get(ctx);
  if (!targets) linkTargetsByRequest.set(ctx, (targets = new LinkTargets(ctx)));
  return targets;
}

/** Unified orders by their agreed Chargebee customer id, each list in (created_at, id) order; __order is that order over all. */
function ordersByChargebeeCustomer(ctx: SubgraphContext): DataLoader<string, Array<UnifiedRow & { __order: number }>> {
  return ctx.loader<string, Array<UnifiedRow & { __order: number }>>("orders:byChargebeeCustomer", async (customerIds) => {
    const rows = await ctx.sql.rows<UnifiedRow & { __key: string; __order: string | number }>(
      unifiedOrdersByChargebeeCustomerQuery(ctx.sql.knex, customerIds, unifiedReadFor(ctx.operation.fieldsAsked)),
    );
    const withOrder = rows.map((row) => ({ ...row, __order: Number(row.__order) }));
    return group(customerIds, withOrder, (row) => row.__key);
  });
}

/**
 * Unified orders whose agreed Chargebee customer is linked (not by a deleted link) to each unified customer, oldest
 * first. Two steps, both batched: the customer's links (usually loaded already for its reference fields), then the
 * orders of those Chargebee customers. A join on agreed->>'customerId' made PostgreSQL compare every link with every
 * order (a nested loop), which grew with customers × orders.
 */
export function ordersOfCustomer(ctx: SubgraphContext): Pick<DataLoader<string, UnifiedRow[]>, "load"> {
  return {
    async load(unifiedId: string): Promise<UnifiedRow[]> {
      const prefetched = prefetchedOrdersOf(ctx).get(unifiedId);
      if (prefetched) return prefetched;
      const chargebeeCustomers = chargebeeCustomersOf(await linkTargetsOf(ctx).load(unifiedId));
      if (chargebeeCustomers.length === 0) return [];
      return ordersOfChargebeeCustomers(chargebeeCustomers, await ordersByChargebeeCustomer(ctx).loadMany(chargebeeCustomers));
    },
  };
}

/**
 * Loads the orders of a list's customers in the same two batches as ordersOfCustomer (links, then orders), so that
 * Customer.orders can answer each row synchronously (prefetchedOrdersOf) instead of with a promise per customer.
 */
export async function prefetchOrdersOfCustomers(ctx: SubgraphContext, unifiedIds: readonly string[]): Promise<UnifiedRow[]> {
  const links = linkTargetsOf(ctx);
  await links.prefetch(unifiedIds);
  const chargebeeByCustomer = new Map(unifiedIds.map((id) => [id, chargebeeCustomersOf(links.loaded(id) ?? [])]));
  const allChargebee = [...new Set([...chargebeeByCustomer.values()].flat())];
  const lists = allChargebee.length > 0 ? await ordersByChargebeeCustomer(ctx).loadMany(allChargebee) : [];
  const listOf = new Map(allChargebee.map((id, index) => [id, lists[index]!]));
  const prefetched = prefetchedOrdersOf(ctx);
  const all: UnifiedRow[] = [];
  for (const [unifiedId, chargebeeCustomers] of chargebeeByCustomer) {
    const orders = ordersOfChargebeeCustomers(
      chargebeeCustomers,
      chargebeeCustomers.map((id) => listOf.get(id)!),
    );
    prefetched.set(unifiedId, orders);
    all.push(...orders);
  }
  return all;
}

const prefetchedOrdersByRequest = new WeakMap<SubgraphContext, Map<string, UnifiedRow[]>>();

/** Orders of customers a list has loaded up front, by unified customer id. */
export function prefetchedOrdersOf(ctx: SubgraphContext): Map<string, UnifiedRow[]> {
  let prefetched = prefetchedOrdersByRequest.get(ctx);
  if (!prefetched) prefetchedOrdersByRequest.set(ctx, (prefetched = new Map()));
  return prefetched;
}

/** The Chargebee customers a unified customer is linked to (not by a deleted link). */
function chargebeeCustomersOf(links: readonly LinkTarget[]): string[] {
  const chargebeeCustomers = new Set<string>();
  for (const link of links) {
    if (link.system === "chargebee" && link.entity === "customer" && link.status !== "deleted") chargebeeCustomers.add(link.source_id);
  }
  return [...chargebeeCustomers];
}

/** The orders of several Chargebee customers, each once, oldest first. */
function ordersOfChargebeeCustomers(
  chargebeeCustomers: readonly string[],
  lists: ReadonlyArray<Array<UnifiedRow & { __order: number }> | Error>,
): UnifiedRow[] {
  if (chargebeeCustomers.length === 0) return [];
  const byId = new Map<string, UnifiedRow & { __order: number }>();
  for (const list of lists) {
    if (list instanceof Error) throw list;
    for (const row of list) byId.set(row.id, row);
  }
  return [...byId.values()].sort((a, b) => a.__order - b.__order);
}

/** The queued and running batches of a run's stage, by `${runId}\u0000${stage}` (one statement per request). */
export function stageBatchesOf(ctx: SubgraphContext): DataLoader<string, StageBatchRow[]> {
  return ctx.loader<string, StageBatchRow[]>("runs:stageBatches", async (keys) => {
    const runs = keys.map((key) => {
      const [id, stage] = key.split("\u0000") as [string, string];
      return { id, stage: Number(stage) };
    });
    const rows = await ctx.sql.rows<StageBatchRow>(stageBatchesQuery(ctx.sql.knex, runs));
    return group(keys, rows, (row) => `${row.run_id}\u0000${row.stage}`);
  });
}

/** The waits each batch of a run recorded, by run id. */
export function batchWaitsOf(ctx: SubgraphContext): DataLoader<string, Array<{ run_id: string; waited: BatchApiWaits["waited"] | null }>> {
  return ctx.loader<string, Array<{ run_id: string; waited: BatchApiWaits["waited"] | null }>>("runs:batchWaits", async (ids) => {
    const rows = await ctx.sql.rows<{ run_id: string; waited: BatchApiWaits["waited"] | null }>(waitedBatchesQuery(ctx.sql.knex, ids));
    return group(ids, rows, (row) => row.run_id);
  });
}
