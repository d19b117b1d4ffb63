import type { Knex } from "knex";
import type { DatasetRecord } from "../../datasets/types.js";
import type { Logger } from "../../logging/logger.js";
import { anyLinkedUnprocessed, anyNeverPaired } from "../tables/changed-records.js";

export interface WebhookSyncWakerOptions {
  knex: Knex;
  /** Queues an incremental sync run. */
  requestSync: () => Promise<unknown>;
  logger: Logger;
  /** Wait after the first change of a burst, so one sync carries the burst. Default 2 s. */
  delayMs?: number;
  /**
   * Chargebee types a creation flow carries into PowerOffice (customer, item): a delivered record of one of them that
   * was never linked is work too (a customer made at checkout). Default: none.
   */
  creationTypes?: readonly string[];
}

export interface WebhookSyncWaker {
  /** The webhook receiver's onChanges: the dataset records an event changed. */
  onChanges(result: { changed: ReadonlyArray<Pick<DatasetRecord, "system" | "entity" | "sourceId">> }): void;
  /** Delivered records not yet checked (or waiting for a run to end). */
  pending(): number;
  /** Resolves once nothing is pending and no check is in progress (tests, the bench). */
  idle(): Promise<void>;
  /** Stops waking syncs; resolves once a check in progress has ended. */
  stop(): Promise<void>;
}

/**
 * Wakes an incremental sync when a webhook delivered a Chargebee record the sync has work for: one linked to a
 * PowerOffice record whose delivered content its flow has not processed yet (what planning would pick up). The echo
 * of our own write is not work: the write's batch commits that very content as processed. Because an echo usually
 * arrives before its batch commits, the check waits until no run is queued or running, so a burst of echoes during
 * a sync wakes nothing, while a real change delivered then still gets its sync once the run ends.
 */
export function createWebhookSyncWaker(options: WebhookSyncWakerOptions): WebhookSyncWaker {
  const { knex, logger } = options;
  const delayMs = options.delayMs ?? 2_000;
  const delivered = new Map<string, { entity: string; sourceId: string }>();
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<void> | undefined;
  let idleWaiters: Array<() => void> = [];
  let stopped = false;
  // A change delivered while a check runs is checked after it, never by a second check alongside.
  let checkAgain = false;

  const settleIdle = () => {
    if (timer || checking || delivered.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const schedule = () => {
    if (stopped) return;
    if (checking) {
      checkAgain = true;
      return;
    }
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      checking = check()
        .catch((error: unknown) => {
          logger.warn({ err: error }, "checking webhook changes for sync work failed; the next poll picks them up");
          delivered.clear();
        })
        .finally(() => {
          checking = undefined;
          if (checkAgain) {
            checkAgain = false;
            schedule();
          }
          settleIdle();
        });
    }, delayMs);
    timer.unref();
  };

  async function check(): Promise<void> {
    if (await knex("sync_runs").whereIn("status", ["queued", "running"]).first("id")) {
      schedule();
      return;
    }
    const records = [...delivered.values()];
    delivered.clear();
    if (records.length === 0) return;
    const creationTypes = new Set(options.creationTypes ?? []);
    const unpaired = records.filter((record) => creationTypes.has(record.entity) && !record.sourceId.startsWith("po-"));
    if (!(await anyLinkedUnprocessed(knex, records)) && !(unpaired.length > 0 && (await anyNeverPaired(knex, unpaired)))) {
      logger.debug({ records: records.length }, "webhook changes are already synced (echoes of our own writes): no sync woken");
      return;
    }
    await options.requestSync();
  }

  return {
    onChanges(result) {
      for (const record of result.changed) {
        if (record.system === "chargebee")
          delivered.set(`${record.entity}\u0000${record.sourceId}`, { entity: record.entity, sourceId: record.sourceId });
      }
      if (delivered.size > 0) schedule();
    },
    pending: () => delivered.size,
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      }),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      delivered.clear();
      await checking;
      settleIdle();
    },
  };
}
