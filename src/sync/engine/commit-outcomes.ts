import type { Knex } from "knex";
import { storableValue } from "../../datasets/storable-text.js";
import type { DatasetRecord } from "../../datasets/types.js";
import { databaseReason, isDataError } from "../../db/errors.js";
import type { FlowKey, RunCounts, SyncContext, WorkItem } from "../model/types.js";
import { upsertQuarantine } from "../tables/quarantine.js";
import { CommitBuffer, commitBuffer } from "./commit.js";

/** Runs `run` over the values, at most `limit` at a time. */
export async function forEachLimited<T>(values: readonly T[], limit: number, run: (value: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, values.length) }, async () => {
    while (next < values.length) {
      const value = values[next++]!;
      await run(value);
    }
  });
  await Promise.all(workers);
}

/** What one work item decided and wrote, waiting for the batch's commit. */
export interface ItemOutcome {
  item: WorkItem;
  buffer: CommitBuffer;
}

/**
 * Commits the items' outcomes in one transaction. When the database refuses it for the values it carries, each
 * half is committed again, down to the one item it refuses: that item's records are quarantined with the reason
 * (what they wrote stays written: our ids and the outbox find it again on the next attempt) and the rest commit.
 */
export async function commitOutcomes(
  ctx: SyncContext,
  sourceOf: (flow: FlowKey, sourceId: string) => DatasetRecord | undefined,
  outcomes: ItemOutcome[],
  batchWide: CommitBuffer,
): Promise<void> {
  try {
    await commitBuffer(ctx.knex, CommitBuffer.merge([batchWide, ...outcomes.map((outcome) => outcome.buffer)]), ctx.runId, recordedCounts(ctx));
    return;
  } catch (error) {
    if (!isDataError(error) || outcomes.length === 0) throw error;
    if (outcomes.length === 1) {
      await quarantineUncommitted(ctx, sourceOf, outcomes[0]!, error);
      if (!batchWide.isEmpty || batchWide.outboxUnused.length > 0) await commitBuffer(ctx.knex, batchWide, ctx.runId);
      return;
    }
  }
  const middle = Math.ceil(outcomes.length / 2);
  await commitOutcomes(ctx, sourceOf, outcomes.slice(0, middle), batchWide);
  await commitOutcomes(ctx, sourceOf, outcomes.slice(middle), new CommitBuffer());
}

async function quarantineUncommitted(
  ctx: SyncContext,
  sourceOf: (flow: FlowKey, sourceId: string) => DatasetRecord | undefined,
  outcome: ItemOutcome,
  error: unknown,
): Promise<void> {
  const reason =
    `The outcome could not be recorded: the database refused it (${databaseReason(error)}). What was written to the other system stays ` +
    "and is found again by its id on the next attempt; the record is tried again when it changes (or with retryQuarantined)";
  const entries = outcome.item.records.flatMap(({ flow, sourceId }) => {
    const source = sourceOf(flow, sourceId);
    if (!source) return [];
    return [
      {
        flow,
        system: source.system,
        entity: source.entity,
        sourceId,
        reason,
        payload: storableValue(source.data).value,
        contentHash: source.contentHash,
      },
    ];
  });
  ctx.logger.error(
    { err: error, records: entries.map((entry) => `${entry.flow}:${entry.sourceId}`) },
    "a work item's outcome could not be committed: its records are quarantined, the rest of the batch commits",
  );
  const counts = outcome.buffer.counts;
  counts.created = counts.updated = counts.deleted = counts.unchanged = counts.conflicts = 0;
  counts.quarantined = entries.length;
  const record = recordedCounts(ctx);
  await ctx.knex.transaction(async (trx) => {
    await upsertQuarantine(trx, entries);
    await record?.(trx, counts);
  });
}

/** The counts of a commit without its API calls (those are counted as they are made). */
export function recordedCounts(ctx: SyncContext): ((trx: Knex.Transaction, counts: RunCounts) => Promise<void>) | undefined {
  const commitCounts = ctx.commitCounts;
  if (!commitCounts) return undefined;
  return (trx, counts) => commitCounts(trx, { ...counts, apiCalls: 0 });
}
