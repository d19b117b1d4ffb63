import { chargebeeRecordFrom, type ChargebeeReadableResource } from "../../connectors/chargebee/index.js";
import { storeRecords } from "../../datasets/upsert-records.js";
import type { SyncContext, SyncMode } from "../engine/types.js";
import { markAbsentDeleted } from "./absence.js";
import { readCursor, writeCursor } from "./cursors.js";
import type { ReadOutcome } from "./poweroffice-reader.js";

/**
 * Reads one Chargebee resource into the datasets: by updated_at windows from the cursor (the client overlaps each
 * window by a few seconds and de-duplicates by id and resource_version), or everything (full, reconcile, first read).
 * Deleted records come with include_deleted; reconcile also marks records missing from a complete read.
 */
export async function readChargebeeResource(ctx: SyncContext, resource: ChargebeeReadableResource, mode: SyncMode): Promise<ReadOutcome> {
  const cursor = await readCursor(ctx.knex, "chargebee", resource);
  const incremental = (mode === "incremental" || mode === "dry-run") && cursor !== null;
  const outcome: ReadOutcome = { changed: 0, unchanged: 0, deleted: 0, complete: true };
  const seen = new Set<string>();
  let readUntil: number | null = null;
  for await (const page of ctx.chargebee.read(resource, incremental ? { updatedAfter: Number(cursor) } : {})) {
    readUntil = page.readUntil;
    const inputs = page.records.map((record) => chargebeeRecordFrom(resource, record as unknown as Record<string, unknown>));
    for (const input of inputs) seen.add(input.sourceId);
    const result = await storeRecords(ctx.knex, inputs);
    outcome.changed += result.changed;
    outcome.unchanged += result.unchanged;
  }
  if (mode === "reconcile") outcome.deleted += await markAbsentDeleted(ctx.knex, "chargebee", resource, seen);
  if (readUntil !== null) await writeCursor(ctx.knex, "chargebee", resource, String(readUntil));
  return outcome;
}

/**
 * Business entities: Chargebee has no list endpoint, so they are learned from business_entity_* events (since the
 * cursor, or all retained events on the first read).
 */
export async function readChargebeeBusinessEntities(ctx: SyncContext, mode: SyncMode): Promise<ReadOutcome> {
  const cursor = await readCursor(ctx.knex, "chargebee", "business_entity");
  const incremental = mode !== "full" && mode !== "reconcile" && cursor !== null;
  const startedAt = Math.floor(Date.now() / 1000);
  const entities = await ctx.chargebee.learnBusinessEntities(incremental ? { occurredAfter: Number(cursor) } : {});
  const inputs = [...entities.values()].map((entity) => chargebeeRecordFrom("business_entity", entity as unknown as Record<string, unknown>));
  const result = await storeRecords(ctx.knex, inputs);
  await writeCursor(ctx.knex, "chargebee", "business_entity", String(startedAt));
  return { changed: result.changed, unchanged: result.unchanged, deleted: 0, complete: true };
}
