import type { Knex } from "knex";
import { type FlowId } from "../flows/index.js";
import type { AppConfig } from "../../config/config.js";
import type { Logger } from "../../logging/logger.js";
import type { JobQueue } from "../../jobs/queue.js";
import type { ChargebeeClient, PowerOfficeClient } from "../model/clients.js";
import type { DryRunPlan, FlowSelection, RunCounts, SyncContext, SyncMode, SystemName, WorkItem, WorkStage } from "../model/types.js";
import type { BudgetRate, BudgetWaitReason } from "../../connectors/rate-budget/index.js";

import type { ReadProblem } from "../tables/source-health.js";
import type { MappedValues } from "../model/flow-definition.js";

export type { DryRunPlan, FlowId, RunCounts, SyncMode, WorkItem, WorkStage };
export type { BudgetRate, BudgetWaitReason };

/** A vendor whose request budget a run's calls go through. */
export type Vendor = SystemName;
export const VENDORS: readonly Vendor[] = ["poweroffice", "chargebee"];

export type { ReadProblem };

/** A run this run waited for before it started (runs whose flows overlap never run at once). */
export interface RunWait {
  runId: string;
  flows: FlowId[];
  /** When this run started waiting for it, and (once it ended) when the wait ended. */
  since: string;
  until?: string;
}

/** partial: the run finished but missed something other than quarantined records (a source it could not read, records left after errors). */
export type RunStatus = "queued" | "running" | "succeeded" | "partial" | "failed" | "cancelled";

/** The engine's entry points a run calls (src/sync/engine; tests may pass their own). */
export interface SyncEngine {
  readSources(
    ctx: SyncContext,
    selection: FlowSelection,
  ): Promise<{ changed: number; quarantined?: number; incomplete?: ReadProblem[]; recovered?: string[] }>;
  planWork(ctx: SyncContext, selection: FlowSelection): Promise<WorkStage[]>;
  processWork(ctx: SyncContext, items: WorkItem[]): Promise<unknown>;
}

export interface SyncClients {
  poweroffice: PowerOfficeClient;
  chargebee: ChargebeeClient;
}

/** Everything the run and batch jobs need. */
export interface RunDeps {
  knex: Knex;
  queue: JobQueue;
  logger: Logger;
  engine: SyncEngine;
  clients: SyncClients;
  settings: AppConfig["sync"];
}

/** One record a run was asked to sync (requestRecordSync). */
export interface RecordTarget {
  system: "poweroffice" | "chargebee";
  entity: string;
  sourceId: string;
}

export interface StageSummary {
  flows: FlowId[];
  items: number;
  batches: number;
}

/** createCustomer: the record a run makes first, in the system the caller named, before it syncs it. */
export interface CreateRequest {
  system: "poweroffice" | "chargebee";
  kind: "customer";
  /** The unified values (email, firstName, lastName, company, address), checked before the run was queued. */
  values: MappedValues;
}

/** Why the vendor refused a createCustomer's record (the run failed; nothing was made). */
export interface CreateRefusal {
  system: "poweroffice" | "chargebee";
  /** The unified field the vendor named, when it named one. */
  field: string | null;
  message: string;
  /** settings: not the vendor but SYNC_CREATE / SYNC_CREATE_OFF, under which the sync would not make the partner. */
  by?: "api" | "settings";
}

/** sync_runs.detail */
export interface RunDetail {
  phase?: "queued" | "waiting" | "reading" | "planning" | "processing" | "finished";
  /** The job that carries the run (pg-boss id): a second job for the same run leaves it alone. */
  jobId?: string;
  /** While queued behind another run: the run it waits for. */
  waitingFor?: RunWait;
  /** Every run it waited for before it started. */
  waited?: RunWait[];
  /** The stage whose batches are being processed (0-based). */
  stage?: number;
  stages?: StageSummary[];
  /** What reading the sources counted (API calls, records seen) and how long it took. */
  read?: {
    counts: Partial<RunCounts>;
    changed: number;
    durationMs: number;
    /** Sources it could not read completely, and why (the run ends partial). */
    incomplete?: ReadProblem[];
    /** Sources that had failed in earlier runs and read completely in this one. */
    recovered?: string[];
  };
  /** Why a partial run is partial, in a sentence per cause. */
  shortfalls?: string[];
  planningMs?: number;
  /** requestRecordSync: the record this run is about (createCustomer: the one it made). */
  record?: RecordTarget;
  /** createCustomer: what to make before the record run. */
  create?: CreateRequest;
  /** createCustomer: the vendor refused the record. */
  createRefused?: CreateRefusal;
  /** Dry run: what it would write (first entries) and how many of each. */
  plan?: {
    writes: DryRunPlan["writes"];
    quarantined: DryRunPlan["quarantined"];
    totals: Record<string, number>;
    truncated: boolean;
  };
  /** The last failed attempt, while it is retried. */
  lastError?: string;
  /** How long the run's batches waited on each vendor's request budget, in ms (spans of batches side by side counted once); written when it finishes. */
  budgetWaited?: Partial<Record<Vendor, number>>;
}

/** What a batch's calls to one vendor wait for, as the batch wrote it (sync_run_batches.api_waits.waiting). */
export interface BatchVendorWait {
  vendor: Vendor;
  reason: BudgetWaitReason;
  /** How long the batch had waited when it wrote this. */
  waitedMs: number;
  /** retry-after: how long the vendor's pause still had to run then. */
  pauseLeftMs?: number;
  /** rate: how long until the budget had room for the next start then (Chargebee's window lets calls through in bursts). */
  nextStartInMs?: number;
  /** The calls the batch still has to make to this vendor (its items left × its calls per item so far). */
  callsLeft: number;
  rate?: BudgetRate;
  /** The most starts a second the budget allows (absent without a rate). */
  requestsPerSecond?: number;
  maxConcurrency: number;
}

/** sync_run_batches.api_waits: written by the batch at most every second while its calls wait, and when it ends. */
export interface BatchApiWaits {
  /** What its calls wait for now (empty: nothing). */
  waiting: BatchVendorWait[];
  /** Per vendor, the spans it waited: [from, to] in epoch ms on its worker's clock, in order. */
  waited: Partial<Record<Vendor, Array<[number, number]>>>;
  /** Per vendor, the calls per work item so far (to estimate the stage's batches of the same flows not started yet). */
  callsPerItem: Partial<Record<Vendor, number>>;
  /** When it was written, on the database's clock. */
  at?: string;
}

/** A sync run as the commands, the CLI and GraphQL see it. */
export interface SyncRunRow {
  id: string;
  requestedBy: string;
  flows: FlowId[];
  mode: SyncMode;
  status: RunStatus;
  counts: RunCounts;
  batchesTotal: number;
  batchesDone: number;
  detail: RunDetail;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** What a run job carries (the rest is in sync_runs). */
export interface RunJobData {
  runId: string;
}

export interface BatchJobData {
  runId: string;
  seq: number;
}
