import type { Knex } from "knex";
import { MAX_PAGE_SIZE, powerOfficeResourceOf } from "../../connectors/poweroffice/index.js";
import { contentHash } from "../../datasets/content-hash.js";
import type { DataIssue } from "../../datasets/storable-text.js";
import { childKeys, contentHashes, deletedParentsWithLiveChildren } from "../../datasets/read-records.js";
import { storeRecords, type HashedRecordInput, type StoreFailure } from "../../datasets/upsert-records.js";
import type { SourceRecordInput } from "../../datasets/types.js";
import type { SyncContext, SyncMode } from "../model/types.js";
import { markAbsentDeleted } from "../../datasets/mark-absent-deleted.js";
import { emptyOutcome, type ReadOutcome } from "../model/read-outcome.js";
import { readCursor, writeCursor } from "../tables/cursors.js";
import { parsePowerOfficeTime, powerOfficeRecordFrom } from "./records.js";

/** Seconds re-read before the cursor: the filter is exclusive and clocks are µs-precise (records re-read are unchanged). */
export const POWEROFFICE_OVERLAP_SECONDS = 2;
const COMPLETE_READ_CONCURRENCY = 8;
/** Orders whose lines are read and stored together; bounds the memory a large page of changed orders takes. */
const ORDERS_PER_LINE_READ = 500;

function overlapStart(cursor: string): string {
  const date = parsePowerOfficeTime(cursor);
  if (!date) return cursor;
  return new Date(date.getTime() - POWEROFFICE_OVERLAP_SECONDS * 1000).toISOString();
}

/** A record read, with its content hash: computed once, for the comparison with the stored copy and for storing. */
type HashedInput = HashedRecordInput & { contentHash: string };

function withContentHash(input: SourceRecordInput): HashedInput {
  return { ...input, contentHash: contentHash(input.data, input.deleted ?? false) };
}

/** The records whose content differs from the stored copy (or that are new). */
async function withChangedContent(knex: Knex, entity: string, inputs: HashedInput[]): Promise<HashedInput[]> {
  const hashes = await contentHashes(
    knex,
    "poweroffice",
    entity,
    inputs.map((input) => input.sourceId),
  );
  return inputs.filter((input) => hashes.get(input.sourceId) !== input.contentHash);
}

function chunk<T>(values: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < values.length; start += size) chunks.push(values.slice(start, start + size));
  return chunks;
}

async function mapLimited<T, R>(values: readonly T[], limit: number, run: (value: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(values.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, values.length) }, async () => {
      while (next < values.length) {
        const index = next++;
        try {
          results[index] = { status: "fulfilled", value: await run(values[index]!) };
        } catch (reason) {
          results[index] = { status: "rejected", reason };
        }
      }
    }),
  );
  return results;
}

/**
 * Reads one PowerOffice type into the datasets: incrementally from its cursor (LastChangedDateTimeOffset, with a
 * small overlap), or everything (full, reconcile, and the first read). Pages are stored as they stream in.
 * Sales orders whose content changed get their lines re-read with /SalesOrders/{id}/Complete (lines have no
 * timestamp); an order whose lines could not be read is not stored, so it stays "changed" for the next read.
 */
export async function readPowerOfficeEntity(ctx: SyncContext, entity: string, mode: SyncMode): Promise<ReadOutcome> {
  const resource = powerOfficeResourceOf(entity);
  if (!resource) throw new Error(`No PowerOffice resource holds ${entity} records (src/connectors/poweroffice/resource-registry.ts)`);
  const cursor = await readCursor(ctx.knex, "poweroffice", entity);
  const incremental = (mode === "incremental" || mode === "dry-run") && cursor !== null;
  const outcome = emptyOutcome();
  const seen = new Set<string>();
  let maxChanged: { text: string; time: number } | null = cursor ? { text: cursor, time: parsePowerOfficeTime(cursor)?.getTime() ?? 0 } : null;

  // The largest page the API allows: every page is a call, and the records of one are stored as they come anyway.
  const filter = incremental ? { changedSince: overlapStart(cursor!) } : {};
  for await (const page of ctx.poweroffice.pages(resource, { ...filter, pageSize: MAX_PAGE_SIZE })) {
    const inputs: HashedInput[] = [];
    const unreadable: StoreFailure[] = [];
    for (const raw of page as unknown as Array<Record<string, unknown>>) {
      let input: HashedInput;
      try {
        input = withContentHash(powerOfficeRecordFrom(entity, raw));
      } catch (error) {
        unreadable.push(unreadableRecord(entity, raw, error));
        continue;
      }
      inputs.push(input);
      seen.add(input.sourceId);
      const changedText = typeof raw.LastChangedDateTimeOffset === "string" ? raw.LastChangedDateTimeOffset : null;
      const changedTime = input.sourceChangedAt?.getTime();
      if (changedText && changedTime !== undefined && (!maxChanged || changedTime > maxChanged.time))
        maxChanged = { text: changedText, time: changedTime };
    }
    // A poll re-reads the overlap before its cursor: those records are mostly stored already, unchanged. They are
    // left out here, which spares storing them again (and rewriting their rows only to move last_seen_at).
    const toStore = incremental ? await withChangedContent(ctx.knex, entity, inputs) : inputs;
    outcome.unchanged += inputs.length - toStore.length;
    // An order is stored only after its lines, so one whose lines could not be read stays "changed".
    const slices = entity === "SalesOrder" ? chunk(toStore, ORDERS_PER_LINE_READ) : [toStore];
    for (const slice of slices) {
      let ready = slice;
      if (entity === "SalesOrder") {
        // A poll's slice holds only changed orders already; a full read compares them here.
        const changedOrders = incremental ? slice : await withChangedContent(ctx.knex, entity, slice);
        const lines = await readChangedOrderLines(ctx, slice, changedOrders);
        ready = lines.orders;
        if (lines.problem) {
          outcome.complete = false;
          outcome.problems.push(lines.problem);
        }
        outcome.changed += lines.lineChanges;
      }
      const result = await storeRecords(ctx.knex, ready);
      outcome.changed += result.changed;
      outcome.unchanged += result.unchanged;
      unreadable.push(...result.failed);
    }
    outcome.unstored.push(...unreadable);
  }

  if (mode === "reconcile" && outcome.complete) {
    outcome.deleted += await markAbsentDeleted(ctx.knex, "poweroffice", entity, seen);
    if (entity === "SalesOrder") {
      // Lines of orders that are gone are gone too.
      const orphaned = await deletedParentsWithLiveChildren(ctx.knex, "poweroffice", "SalesOrder", "SalesOrderLine");
      for (const orderId of orphaned)
        outcome.deleted += await markAbsentDeleted(ctx.knex, "poweroffice", "SalesOrderLine", new Set(), { parentId: orderId });
    }
  }
  if (outcome.complete && maxChanged && maxChanged.text !== cursor) await writeCursor(ctx.knex, "poweroffice", entity, maxChanged.text);
  return outcome;
}

/** A record the reader could not even turn into a dataset record (no Id): quarantined under a placeholder id. */
function unreadableRecord(entity: string, raw: Record<string, unknown>, error: unknown): StoreFailure {
  const id = raw && (typeof raw.Id === "number" || typeof raw.Id === "string") && String(raw.Id) !== "" ? String(raw.Id) : "(no Id)";
  return {
    record: { system: "poweroffice", entity, sourceId: id, data: raw ?? {} },
    reason: `PowerOffice ${entity} ${id} cannot be read: ${(error as Error).message}`,
  };
}

/**
 * Re-reads the lines of the orders whose content changed (of these orders); returns the orders safe to store. An
 * order whose lines could not be read is left out (read again next time); one with a line the datasets refused is
 * stored with that issue, so its flow quarantines it rather than invoice it without the line.
 */
async function readChangedOrderLines(
  ctx: SyncContext,
  orders: HashedInput[],
  changed: HashedInput[],
): Promise<{ orders: HashedInput[]; lineChanges: number; problem: string | null }> {
  const results = await mapLimited(changed, COMPLETE_READ_CONCURRENCY, (order) => ctx.poweroffice.getSalesOrderComplete(order.sourceId));
  const failed = new Map<string, string>();
  const lines: SourceRecordInput[] = [];
  const readOrders: string[] = [];
  const lineIssues = new Map<string, DataIssue[]>();
  for (const [index, result] of results.entries()) {
    const order = changed[index]!;
    if (result.status === "rejected") {
      failed.set(order.sourceId, (result.reason as Error)?.message ?? String(result.reason));
      ctx.logger.warn({ err: result.reason, salesOrderId: order.sourceId }, "could not read the lines of a sales order; it is read again next time");
      continue;
    }
    readOrders.push(order.sourceId);
    const complete = result.value as unknown as { SalesOrderLines?: Array<Record<string, unknown>> | null };
    for (const [position, line] of (complete.SalesOrderLines ?? []).entries()) {
      try {
        lines.push(
          powerOfficeRecordFrom("SalesOrderLine", { ...line, SalesOrderId: line.SalesOrderId ?? order.sourceId }, { parentId: order.sourceId }),
        );
      } catch (error) {
        addIssue(lineIssues, order.sourceId, { path: `SalesOrderLines[${position}]`, problem: `cannot be read: ${(error as Error).message}` });
      }
    }
  }
  const stored = await storeRecords(ctx.knex, lines);
  for (const { record, reason } of stored.failed) addIssue(lineIssues, record.parentId ?? "", { path: `line ${record.sourceId}`, problem: reason });
  let lineChanges = stored.changed;
  // Lines no longer on a re-read order are gone.
  const current = new Set(lines.map((line) => `${line.parentId}\u0000${line.sourceId}`));
  const absent = (await childKeys(ctx.knex, "poweroffice", "SalesOrderLine", readOrders)).filter(
    (line) => !current.has(`${line.parentId}\u0000${line.sourceId}`),
  );
  for (const parentId of new Set(absent.map((line) => line.parentId))) {
    const keep = new Set(lines.filter((line) => line.parentId === parentId).map((line) => line.sourceId));
    lineChanges += await markAbsentDeleted(ctx.knex, "poweroffice", "SalesOrderLine", keep, { parentId });
  }
  const ready = orders
    .filter((order) => !failed.has(order.sourceId))
    .map((order) => (lineIssues.has(order.sourceId) ? { ...order, issues: lineIssues.get(order.sourceId) } : order));
  const problem =
    failed.size === 0
      ? null
      : `the lines of ${failed.size} sales order(s) could not be read (${[...failed.keys()].slice(0, 5).join(", ")}${failed.size > 5 ? ", …" : ""}): ${[...failed.values()][0]}`;
  return { orders: ready, lineChanges, problem };
}

function addIssue(issues: Map<string, DataIssue[]>, orderId: string, issue: DataIssue): void {
  const list = issues.get(orderId) ?? [];
  list.push(issue);
  issues.set(orderId, list);
}
