import type { Knex } from "knex";
import type { AppConfig, SystemName } from "../../config/config.js";
import type { Logger } from "../../logging/logger.js";
import type { ChargebeeClient, PowerOfficeClient } from "./clients.js";

/**
 * A flow's id as data (in work items, plans, job payloads). The registry (flows/index.ts) holds the flows and
 * checks ids; its FlowKey is the union of the ids it knows.
 */
export type FlowKey = string;
export type SyncMode = "incremental" | "full" | "reconcile" | "dry-run";
export type { SystemName };

/** What a run did; every field is a count. */
export interface RunCounts {
  seen: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  conflicts: number;
  quarantined: number;
  apiCalls: number;
  /** Records left unprocessed by an error that is not the record's fault (network, 5xx, 429): tried again next run. */
  errors: number;
  /** Records waiting for a dependency (an order's customer) that is not synced yet. */
  waiting: number;
}

export function emptyCounts(): RunCounts {
  return { seen: 0, created: 0, updated: 0, deleted: 0, unchanged: 0, conflicts: 0, quarantined: 0, apiCalls: 0, errors: 0, waiting: 0 };
}

export function addCounts(total: RunCounts, delta: Partial<RunCounts>): RunCounts {
  for (const key of Object.keys(delta) as Array<keyof RunCounts>) total[key] += delta[key] ?? 0;
  return total;
}

/** Where the engine reports progress as it goes (the runs write it to sync_runs; tests may collect it). */
export interface ProgressSink {
  add(delta: Partial<RunCounts>): Promise<void> | void;
  phase?(name: string): void;
}

/**
 * Told about a batch's writes as they are made, in memory only (it may be called inside the engine's transaction),
 * so a run can say what its API calls wait for and how many are left (src/sync/runs/batch-api-work.ts).
 */
export interface WriteTracker {
  /** A write to `system` starts; the returned function is called with the API calls it made once it ends. */
  writeStarted(system: SystemName): (apiCalls: number) => void;
  /** One work item of the batch is decided (its writes made). */
  itemDone(): void;
}

/** One write a dry run would have made. */
export interface PlannedWrite {
  flow: FlowKey;
  action: "create" | "update" | "delete" | "link";
  system: SystemName;
  entity: string;
  /** The id it would have (creates: our deterministic id, when there is one). */
  id: string;
  /** The source record that causes it. */
  source: { system: SystemName; entity: string; id: string };
  /** Field values written (updates: only the changed ones). */
  fields?: Record<string, unknown>;
}

/** What a dry run collects instead of writing. */
export interface DryRunPlan {
  writes: PlannedWrite[];
  quarantined: Array<{ flow: FlowKey; entity: string; id: string; reason: string }>;
}

export interface SyncContext {
  knex: Knex;
  poweroffice: PowerOfficeClient;
  chargebee: ChargebeeClient;
  logger: Logger;
  settings: AppConfig["sync"];
  runId?: string;
  dryRun: boolean;
  progress: ProgressSink;
  /** A batch's writes as they go (batch jobs). */
  writes?: WriteTracker;
  /** Dry run: what would be written is collected here. */
  plan?: DryRunPlan;
  /**
   * Records what a commit decided (its counts, API calls aside) inside the commit's own transaction, so counts and
   * outcomes are never apart (a batch job's counters). Without it the counts go to `progress`.
   */
  commitCounts?(trx: Knex.Transaction, counts: RunCounts): Promise<void>;
}

/** One record of one flow to process, named by its PowerOffice source id. */
export interface WorkRecord {
  flow: FlowKey;
  sourceId: string;
}

/**
 * A unit of work: records that must be decided together (people sharing an email, organisations sharing a name),
 * usually one record. JSON-serialisable; a batch is any list of WorkItems of one stage.
 */
export interface WorkItem {
  /** Stable key of the group (e.g. "email:kari@example.no", "F7:12"). */
  key: string;
  records: WorkRecord[];
}

/** Work of one stage; stage n+1 may start only after every batch of stage n is done. */
export interface WorkStage {
  flows: FlowKey[];
  items: WorkItem[];
}

export interface FlowSelection {
  /** Default: every flow. */
  flows?: readonly FlowKey[];
  mode: SyncMode;
}
