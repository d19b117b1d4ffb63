import "reflect-metadata";
import { Field, InputType } from "type-graphql";
import { UNIFIED_ORDER_KEYS, unifiedRecordsQuery } from "../../../src/sync/tables/unified-records.js";
import type { SubgraphContext } from "../../shared/context.js";
import { badUserInput } from "../../shared/errors.js";
import { paginate, type ConnectionResult, type KeysetOrder, type PageArgs } from "../../shared/pagination.js";
import { conflictsOf, isUuid, linkTargetsOf, linksOf, quarantineOf, unifiedById, type LinkTarget, type UnifiedKindName } from "../loaders.js";
import { toConflict, type Conflict } from "../types/conflict.js";
import { SyncState } from "../types/enums.js";
import { toLink, type Link, type LinkRow } from "../types/link.js";
import { toQuarantineEntry, type QuarantineEntry } from "../types/quarantine-entry.js";
import { unifiedColumns, type UnifiedRow } from "../types/unified.js";

@InputType("UnifiedFilter")
export class UnifiedFilter {
  @Field(() => String, { nullable: true, description: "Part of the name, case-insensitive." }) name?: string | null;
  @Field(() => SyncState, { nullable: true }) syncState?: SyncState | null;
}

/** Name order (case-insensitive), then id: stable across pages and runs. */
export const UNIFIED_ORDER: KeysetOrder = { keys: UNIFIED_ORDER_KEYS, types: ["text", "text"] };

/** A page of unified records of one kind: by name and sync state, and customers by email (CustomerFilter). */
export function listUnified<T>(
  ctx: SubgraphContext,
  kind: UnifiedKindName,
  filter: (UnifiedFilter & { email?: string | null }) | null | undefined,
  page: PageArgs,
  map: (row: UnifiedRow) => T,
): Promise<ConnectionResult<T>> {
  const query = unifiedRecordsQuery(ctx.sql.knex, kind, filter);
  return paginate(ctx.sql, query, UNIFIED_ORDER, page, map, {
    columns: unifiedColumns(ctx.operation.fieldsAsked),
    fieldsAsked: ctx.operation.fieldsAsked,
  });
}

export function checkUuid(id: string, what: string): string {
  if (!isUuid(id)) throw badUserInput(`${what} id must be a UUID, got "${id}"`);
  return id;
}

export async function loadUnified<T>(ctx: SubgraphContext, kind: UnifiedKindName, id: string, map: (row: UnifiedRow) => T): Promise<T | null> {
  const row = await unifiedById(ctx, kind).load(id);
  return row ? map(row) : null;
}

export function unifiedReference<T>(kind: UnifiedKindName, map: (row: UnifiedRow) => T) {
  return {
    __resolveReference: (reference: { id: string }, ctx: SubgraphContext) => loadUnified(ctx, kind, reference.id, map),
  };
}

export async function linksFor(ctx: SubgraphContext, unifiedId: string): Promise<Link[]> {
  return (await linksOf(ctx).load(unifiedId)).map(toLink);
}

/**
 * Live links of one source type, as references ({ id }) the gateway resolves in the owning subgraph. Synchronous when
 * the links are loaded already (a list prefetched them), a promise otherwise.
 */
export function linkedRefs(
  ctx: SubgraphContext,
  unifiedId: string,
  system: LinkRow["system"],
  entity: string,
): Array<{ id: string }> | Promise<Array<{ id: string }>> {
  const targets = linkTargetsOf(ctx);
  const loaded = targets.loaded(unifiedId);
  if (loaded) return refsAmong(loaded, system, entity);
  return targets.load(unifiedId).then((links) => refsAmong(links, system, entity));
}

export function firstLinkedRef(
  ctx: SubgraphContext,
  unifiedId: string,
  system: LinkRow["system"],
  entity: string,
): { id: string } | null | Promise<{ id: string } | null> {
  const refs = linkedRefs(ctx, unifiedId, system, entity);
  return Array.isArray(refs) ? (refs[0] ?? null) : refs.then((list) => list[0] ?? null);
}

function refsAmong(links: readonly LinkTarget[], system: LinkRow["system"], entity: string): Array<{ id: string }> {
  const seen = new Set<string>();
  const refs: Array<{ id: string }> = [];
  for (const link of links) {
    if (link.system !== system || link.entity !== entity || link.status === "deleted" || seen.has(link.source_id)) continue;
    seen.add(link.source_id);
    refs.push({ id: link.source_id });
  }
  return refs;
}

export async function openConflictsFor(ctx: SubgraphContext, unifiedId: string): Promise<Conflict[]> {
  return (await conflictsOf(ctx, "open").load(unifiedId)).map(toConflict);
}

export async function quarantineFor(ctx: SubgraphContext, unifiedId: string): Promise<QuarantineEntry[]> {
  return (await quarantineOf(ctx).load(unifiedId)).map(toQuarantineEntry);
}
