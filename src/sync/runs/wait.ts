import type { Knex } from "knex";
import { FINISHED_STATUSES, getSyncRun } from "./run-store.js";
import type { SyncRunRow } from "./types.js";

/**
 * Follows a run until it has finished (succeeded, failed or cancelled), calling `onProgress` with each new state (and
 * waiting for it, when it returns a promise).
 * The run row is read every `intervalMs`; `signal` stops following (the run goes on).
 */
export async function waitForRun(
  knex: Knex,
  runId: string,
  options: { intervalMs?: number; onProgress?: (run: SyncRunRow) => void | Promise<void>; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<SyncRunRow> {
  const interval = options.intervalMs ?? 250;
  const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Infinity;
  for (;;) {
    const run = await getSyncRun(knex, runId);
    if (!run) throw new Error(`Sync run ${runId} does not exist`);
    await options.onProgress?.(run);
    if (FINISHED_STATUSES.includes(run.status)) return run;
    if (options.signal?.aborted) return run;
    if (Date.now() > deadline) throw new Error(`Sync run ${runId} did not finish in ${options.timeoutMs} ms (status ${run.status})`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
