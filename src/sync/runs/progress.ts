import type { Knex } from "knex";
import type { Logger } from "../../logging/logger.js";
import type { ProgressSink } from "../model/types.js";
import { incrementColumns } from "./run-store.js";
import type { RunCounts } from "./types.js";

export interface RunProgressSink extends ProgressSink {
  /** Everything added since the sink was made. */
  readonly total: Partial<RunCounts>;
  /** Takes what was added but not written yet (for a final write inside the caller's own transaction). */
  takePending(): Partial<RunCounts>;
  /** Writes what is pending and stops the timer. */
  close(): Promise<void>;
}

/**
 * Progress of a run (or one of its batches) written to sync_runs as it goes: `created = created + ?`, so several
 * workers add to the same run safely.
 *
 * add() never touches the database (the engine may call it inside its own transaction, and on the embedded
 * database any other query would wait for that transaction to end): counts are buffered and written every
 * `flushMs` by a timer, and at the end.
 */
export function createRunProgressSink(options: {
  knex: Knex;
  runId: string;
  /** Also add to this batch's own counters. */
  batchSeq?: number;
  logger: Logger;
  flushMs?: number;
  onPhase?: (name: string) => void;
}): RunProgressSink {
  const { knex, runId, batchSeq, logger } = options;
  let pending: Partial<RunCounts> = {};
  const total: Partial<RunCounts> = {};
  let writing: Promise<void> = Promise.resolve();

  const take = () => {
    const taken = pending;
    pending = {};
    return taken;
  };
  const write = (delta: Partial<RunCounts>) => {
    const runUpdate = incrementColumns(knex, delta);
    if (Object.keys(runUpdate).length === 0) return Promise.resolve();
    return knex.transaction(async (trx) => {
      await trx("sync_runs").where({ id: runId }).update(incrementColumns(trx, delta));
      if (batchSeq !== undefined) {
        await trx("sync_run_batches").where({ run_id: runId, seq: batchSeq }).update(incrementColumns(trx, delta));
      }
    });
  };
  const flush = () => {
    const delta = take();
    writing = writing
      .then(() => write(delta))
      .catch((error: Error) => logger.warn({ err: error, runId }, `could not record progress: ${error.message}`));
    return writing;
  };
  const timer = setInterval(() => void flush(), options.flushMs ?? 500);
  timer.unref();

  return {
    total,
    add(delta) {
      for (const [key, value] of Object.entries(delta) as Array<[keyof RunCounts, number | undefined]>) {
        if (!value) continue;
        pending[key] = (pending[key] ?? 0) + value;
        total[key] = (total[key] ?? 0) + value;
      }
    },
    phase(name) {
      options.onPhase?.(name);
    },
    takePending() {
      return take();
    },
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
