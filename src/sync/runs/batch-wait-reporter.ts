import type { Knex } from "knex";
import type { Logger } from "../../logging/logger.js";
import type { BatchApiWork } from "./batch-api-work.js";
import type { BatchApiWaits } from "./types.js";

export interface BatchWaitReporter {
  /** Ends any wait in progress, writes what the batch waited (when it waited at all) and stops. */
  close(): Promise<void>;
}

/**
 * Writes what a batch's calls wait for to its row (sync_run_batches.api_waits), where the CLI and GraphQL read it:
 * sampled every `sampleMs` in memory, written at most every `writeEveryMs` while a wait lasts, once when it ends,
 * and once at the end if the batch waited at all. A batch whose calls never wait writes nothing; a write never
 * queues behind another (a slow database skips samples rather than piling statements up).
 */
export function startBatchWaitReporter(options: {
  knex: Knex;
  runId: string;
  seq: number;
  work: BatchApiWork;
  logger: Logger;
  sampleMs?: number;
  writeEveryMs?: number;
}): BatchWaitReporter {
  const { knex, runId, seq, work, logger } = options;
  const writeEveryMs = options.writeEveryMs ?? 1_000;
  let lastWriteAt = Number.NEGATIVE_INFINITY;
  let shownWaiting = false;
  let writing: Promise<void> | undefined;

  const write = (snapshot: BatchApiWaits): Promise<void> => {
    lastWriteAt = Date.now();
    shownWaiting = snapshot.waiting.length > 0;
    const done = knex("sync_run_batches")
      .where({ run_id: runId, seq })
      .update({ api_waits: knex.raw("?::jsonb || jsonb_build_object('at', now())", [JSON.stringify(snapshot)]) })
      .then(() => undefined)
      .catch((error: Error) => logger.warn({ err: error, runId, batch: seq }, `could not record what the batch waits for: ${error.message}`))
      .finally(() => {
        writing = undefined;
      });
    writing = done;
    return done;
  };

  const tick = () => {
    const snapshot = work.sample(Date.now());
    const worthWriting = snapshot.waiting.length > 0 || shownWaiting;
    if (!worthWriting || writing || Date.now() - lastWriteAt < writeEveryMs) return;
    void write(snapshot);
  };
  const timer = setInterval(tick, options.sampleMs ?? 250);
  timer.unref();

  return {
    async close() {
      clearInterval(timer);
      await writing;
      const final = work.finish(Date.now());
      if (shownWaiting || Object.keys(final.waited).length > 0) await write(final);
    },
  };
}
