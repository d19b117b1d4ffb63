import { chargebeeRecordFrom, type ChargebeeReadableResource } from "../../connectors/chargebee/index.js";
import type { SourceRecordInput } from "../../datasets/types.js";
import { storeRecords, type StoreFailure } from "../../datasets/upsert-records.js";
import type { SyncContext, SyncMode } from "../model/types.js";
import { markAbsentDeleted } from "../../datasets/mark-absent-deleted.js";
import { readCursor, writeCursor } from "../tables/cursors.js";
import { emptyOutcome, type ReadOutcome } from "../model/read-outcome.js";

/** Each object as a dataset record; one that cannot be (no id) is set aside with the reason. */
function toInputs(resource: string, objects: readonly Record<string, unknown>[]): { inputs: SourceRecordInput[]; unreadable: StoreFailure[] } {
  const inputs: SourceRecordInput[] = [];
  const unreadable: StoreFailure[] = [];
  for (const object of objects) {
    try {
      inputs.push(chargebeeRecordFrom(resource, object));
    } catch (error) {
      const id = typeof object?.id === "string" && object.id !== "" ? object.id : "(no id)";
      unreadable.push({
        record: { system: "chargebee", entity: resource, sourceId: id, data: object ?? {} },
        reason: `Chargebee ${resource} ${id} cannot be read: ${(error as Error).message}`,
      });
    }
  }
  return { inputs, unreadable };
}

/** Stores the records; the ones the datasets refuse are set aside in the outcome, the others are stored. */
async function storeOrQuarantine(
  ctx: SyncContext,
  resource: string,
  objects: readonly Record<string, unknown>[],
  outcome: ReadOutcome,
): Promise<SourceRecordInput[]> {
  const { inputs, unreadable } = toInputs(resource, objects);
  const result = await storeRecords(ctx.knex, inputs);
  outcome.changed += result.changed;
  outcome.unchanged += result.unchanged;
  outcome.unstored.push(...unreadable, ...result.failed);
  return inputs;
}

/**
 * Reads one Chargebee resource into the datasets: by updated_at windows from the cursor (the client overlaps each
 * window by a few seconds and de-duplicates by id and resource_version), or everything (full, reconcile, first read).
 * Deleted records come with include_deleted; reconcile also marks records missing from a complete read.
 */
export async function readChargebeeResource(ctx: SyncContext, resource: ChargebeeReadableResource, mode: SyncMode): Promise<ReadOutcome> {
  const cursor = await readCursor(ctx.knex, "chargebee", resource);
  const incremental = (mode === "incremental" || mode === "dry-run") && cursor !== null;
  const outcome = emptyOutcome();
  const seen = new Set<string>();
  let readUntil: number | null = null;
  for await (const page of ctx.chargebee.read(resource, incremental ? { updatedAfter: Number(cursor) } : {})) {
    readUntil = page.readUntil;
    const inputs = await storeOrQuarantine(ctx, resource, page.records as unknown as Array<Record<string, unknown>>, outcome);
    for (const input of inputs) seen.add(input.sourceId);
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
  const outcome = emptyOutcome();
  await storeOrQuarantine(ctx, "business_entity", [...entities.values()] as unknown as Array<Record<string, unknown>>, outcome);
  await writeCursor(ctx.knex, "chargebee", "business_entity", String(startedAt));
  return outcome;
}
