import type { Knex } from "knex";
import { PgBoss, fromKnex, type Db, type JobWithMetadata, type Queue, type SendOptions, type WorkOptions } from "pg-boss";
import type { AppConfig } from "../config/config.js";
import type { Database } from "../db/database.js";
import type { Logger } from "../logging/logger.js";
import { knexConnectionAdapter } from "./knex-connection-adapter.js";

/** The queues of the sync engine. */
export const QUEUES = {
  /** One job per sync run: read the sources, plan, fan out into batches. */
  syncRun: "sync-run",
  /** One job per batch of work items of a run's stage. */
  syncBatch: "sync-batch",
  /** The incremental poll: at most one queued or active at any time, whatever the number of workers. */
  syncPoll: "sync-poll",
  /** Run and batch jobs that failed for good land here, so their run is marked failed with the reason. */
  syncDead: "sync-dead",
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const PGBOSS_SCHEMA = "pgboss";

export interface JobQueueOptions {
  db: Database;
  logger: Logger;
  /**
   * Whether this instance runs pg-boss's supervision (expired and stale jobs, retention) and its scheduler.
   * Workers: true (the default). A short-lived client such as the CLI that only sends and reads: false.
   */
  schedule?: boolean;
  /** PostgreSQL only: the connection string for pg-boss's own pool. Default: the one knex was opened with. */
  connectionString?: string;
  /** PostgreSQL only: the size of pg-boss's own pool (default 4). */
  poolMax?: number;
  /**
   * PostgreSQL only: a job whose worker stops sending heartbeats for this long (a killed process) is retried by
   * another worker. At least 10. Default 30. On the embedded database a single process owns the data, so jobs left
   * active by a crashed process are retried when the next worker starts instead.
   */
  heartbeatSeconds?: number;
  /** How often pg-boss looks for expired and stale jobs (seconds, default 15). */
  superviseIntervalSeconds?: number;
  /** How often a worker looks for new jobs (seconds, at least 0.5; default 1). */
  pollingIntervalSeconds?: number;
  /** Retries of run and batch jobs (default: runs 3, batches 5, exponential backoff from 1–2 s up to 60 s). */
  retries?: { limit: number; delaySeconds: number; backoff: boolean };
}

export interface JobQueue {
  readonly kind: Database["kind"];
  /** The pg-boss instance, for what this facade does not cover. */
  readonly boss: PgBoss;
  readonly pollingIntervalSeconds: number;
  send(queue: QueueName, data: object, options?: SendOptions): Promise<string | null>;
  /** The `db` option that makes a pg-boss call part of an open knex transaction (e.g. `send(q, d, { db })`). */
  transactionDb(trx: Knex.Transaction): Db;
  /** Wakes this process's idle workers of `queue` (after a transaction that sent jobs with transactionDb commits). */
  wake(queue: QueueName): void;
  /**
   * Runs `handler` for each job of `queue`, one job at a time per local worker (localConcurrency in options). A
   * worker that finishes a job fetches the next one at once instead of waiting for its polling interval.
   */
  work<T extends object>(
    queue: QueueName,
    options: Omit<WorkOptions, "batchSize" | "includeMetadata">,
    handler: (job: JobWithMetadata<T>) => Promise<unknown>,
  ): Promise<string>;
  /** Stops this process's workers of `queue` (waiting for their running jobs). */
  offWork(queue: QueueName): Promise<void>;
  /** Whether a run still has a job that will carry it on (queued, retrying or being worked on), in any sync queue. */
  hasOpenJobs(runId: string): Promise<boolean>;
  /** Whether a live worker (in this or another process) takes jobs from `queue`. */
  hasLiveWorker(queue: QueueName): Promise<boolean>;
  /** Embedded only: jobs left active by a process that is gone go back to be retried (no-op on PostgreSQL). */
  retryOrphanedJobs(): Promise<number>;
  /** Stops taking jobs, waits for the running ones (up to timeoutMs), then stops pg-boss. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

/** The queue settings of the configuration (JOB_* variables). */
export function jobQueueSettings(config: AppConfig): Pick<JobQueueOptions, "heartbeatSeconds" | "superviseIntervalSeconds"> {
  return { heartbeatSeconds: config.jobs.heartbeatSeconds, superviseIntervalSeconds: config.jobs.superviseIntervalSeconds };
}

const QUEUE_SETTINGS: Record<QueueName, Omit<Queue, "name">> = {
  [QUEUES.syncRun]: {
    policy: "standard",
    retryLimit: 3,
    retryDelay: 2,
    retryBackoff: true,
    retryDelayMax: 60,
    expireInSeconds: 3 * 60 * 60,
    deadLetter: QUEUES.syncDead,
  },
  [QUEUES.syncBatch]: {
    policy: "standard",
    retryLimit: 5,
    retryDelay: 1,
    retryBackoff: true,
    retryDelayMax: 60,
    expireInSeconds: 60 * 60,
    deadLetter: QUEUES.syncDead,
  },
  [QUEUES.syncPoll]: { policy: "exclusive", retryLimit: 0, expireInSeconds: 10 * 60 },
  [QUEUES.syncDead]: { policy: "standard", retryLimit: 3, retryDelay: 5 },
};

function knexConnectionString(knex: Knex): string | undefined {
  const connection = (knex.client as { config?: { connection?: unknown } }).config?.connection;
  if (typeof connection === "string") return connection;
  if (connection && typeof connection === "object" && "connectionString" in connection) {
    return (connection as { connectionString?: string }).connectionString;
  }
  return undefined;
}

/**
 * Starts pg-boss 12 on the application's database. PostgreSQL: pg-boss gets a pool of its own. Embedded (PGlite):
 * pg-boss shares the single PGlite session through knex's one-connection pool (see knex-connection-adapter.ts).
 */
export async function startJobQueue(options: JobQueueOptions): Promise<JobQueue> {
  const { db, logger } = options;
  const runsMaintenance = options.schedule ?? true;
  const pollingIntervalSeconds = Math.max(0.5, options.pollingIntervalSeconds ?? 1);
  const heartbeatSeconds = db.kind === "postgres" ? Math.max(10, options.heartbeatSeconds ?? 30) : undefined;
  const common = {
    schema: PGBOSS_SCHEMA,
    supervise: runsMaintenance,
    schedule: runsMaintenance,
    superviseIntervalSeconds: options.superviseIntervalSeconds ?? 15,
    monitorIntervalSeconds: options.superviseIntervalSeconds ?? 15,
    instanceName: runsMaintenance ? "sync-worker" : "sync-client",
    // The embedded database is one session, so index rebuilds and vacuum checks only compete with the sync.
    reindex: db.kind === "postgres",
    monitorVacuum: db.kind === "postgres",
  };
  let boss: PgBoss;
  if (db.kind === "postgres") {
    const connectionString = options.connectionString ?? knexConnectionString(db.knex);
    if (!connectionString) throw new Error("startJobQueue: no connection string for PostgreSQL (pass connectionString)");
    // LISTEN/NOTIFY wakes workers in other processes the moment a job is sent (polling stays as the fallback).
    boss = new PgBoss({ ...common, connectionString, max: options.poolMax ?? 4, application_name: "sync-jobs", useListenNotify: true });
  } else {
    boss = new PgBoss({ ...common, db: knexConnectionAdapter(db.knex), backend: "pglite" });
  }
  boss.on("error", (error: Error) => logger.error({ err: error }, `job queue: ${error.message}`));
  boss.on("warning", (warning: { message: string }) => logger.warn(`job queue: ${warning.message}`));
  try {
    await boss.start();
    for (const name of [QUEUES.syncDead, QUEUES.syncRun, QUEUES.syncBatch, QUEUES.syncPoll]) {
      const retry =
        options.retries && (name === QUEUES.syncRun || name === QUEUES.syncBatch)
          ? { retryLimit: options.retries.limit, retryDelay: options.retries.delaySeconds, retryBackoff: options.retries.backoff }
          : {};
      const notify = db.kind === "postgres" && name !== QUEUES.syncDead ? { notify: true } : {};
      const settings: Omit<Queue, "name"> = {
        ...QUEUE_SETTINGS[name],
        ...retry,
        ...notify,
        ...(heartbeatSeconds && name !== QUEUES.syncDead ? { heartbeatSeconds } : {}),
      };
      if (!settings.retryBackoff) delete settings.retryDelayMax;
      if (await boss.getQueue(name)) {
        const { policy: _policy, deadLetter, ...changeable } = settings;
        await boss.updateQueue(name, {
          ...changeable,
          deadLetter: deadLetter ?? null,
          heartbeatSeconds: settings.heartbeatSeconds ?? null,
          retryDelayMax: settings.retryDelayMax ?? null,
        });
      } else {
        await boss.createQueue(name, settings);
      }
    }
  } catch (error) {
    await boss.stop({ graceful: false, close: true }).catch(() => {});
    throw new Error(`Could not start the job queue on ${db.location}: ${(error as Error).message}`, { cause: error });
  }
  logger.debug({ database: db.location }, "job queue started");

  let stopped = false;
  const localWorkers = new Map<QueueName, string[]>();
  const wake = (queue: QueueName) => {
    for (const id of localWorkers.get(queue) ?? []) boss.notifyWorker(id);
  };
  return {
    kind: db.kind,
    boss,
    pollingIntervalSeconds,
    async send(queue, data, sendOptions) {
      const id = await boss.send(queue, data, sendOptions ?? {});
      if (!sendOptions?.db) wake(queue);
      return id;
    },
    transactionDb: (trx) => fromKnex(trx as unknown as Parameters<typeof fromKnex>[0]),
    wake,
    async work<T extends object>(
      queue: QueueName,
      workOptions: Omit<WorkOptions, "batchSize" | "includeMetadata">,
      handler: (job: JobWithMetadata<T>) => Promise<unknown>,
    ) {
      // One pg-boss worker per unit of concurrency, so each can be woken by its own id when it finishes a job.
      const { localConcurrency = 1, ...rest } = workOptions;
      const ids: string[] = [];
      for (let index = 0; index < localConcurrency; index++) {
        let ownId = "";
        ownId = await boss.work<T>(
          queue,
          {
            pollingIntervalSeconds,
            // With NOTIFY active polling is only the fallback (retries and expired jobs send no NOTIFY): keep it short.
            notifyPollingIntervalSeconds: Math.max(2, pollingIntervalSeconds),
            ...rest,
            localConcurrency: 1,
            batchSize: 1,
            includeMetadata: true,
          },
          async ([job]) => {
            try {
              return await handler(job as JobWithMetadata<T>);
            } finally {
              boss.notifyWorker(ownId);
            }
          },
        );
        ids.push(ownId);
      }
      localWorkers.set(queue, [...(localWorkers.get(queue) ?? []), ...ids]);
      return ids[0]!;
    },
    async offWork(queue) {
      localWorkers.delete(queue);
      await boss.offWork(queue, { wait: true });
    },
    async hasOpenJobs(runId) {
      // One indexed-by-partition query rather than findJobs, whose pages run oldest first over every finished job.
      const open = await db.knex.raw(
        `select 1 from ${PGBOSS_SCHEMA}.job where name = any(?::text[]) and data @> ?::jsonb and state in ('created', 'retry', 'active') limit 1`,
        [[QUEUES.syncRun, QUEUES.syncBatch, QUEUES.syncDead], JSON.stringify({ runId })] as unknown as Knex.RawBinding[],
      );
      return (open.rows as unknown[]).length > 0;
    },
    async hasLiveWorker(queue) {
      const instances = await boss.getInstances();
      return instances.some((instance) => instance.live && instance.workers.some((worker) => worker.queue === queue));
    },
    async retryOrphanedJobs() {
      if (db.kind !== "embedded") return 0;
      let count = 0;
      for (const name of [QUEUES.syncRun, QUEUES.syncBatch, QUEUES.syncPoll, QUEUES.syncDead]) {
        const active = (await boss.findJobs(name, { queued: false })).filter((job) => job.state === "active");
        if (active.length === 0) continue;
        await boss.fail(
          name,
          active.map((job) => job.id),
          { message: "the process that ran this job stopped" },
        );
        count += active.length;
      }
      if (count) logger.info({ jobs: count }, "retrying jobs left active by a process that stopped");
      return count;
    },
    async stop({ timeoutMs = 30_000 } = {}) {
      if (stopped) return;
      stopped = true;
      await boss.stop({ graceful: true, close: true, timeout: timeoutMs });
      logger.debug("job queue stopped");
    },
  };
}
