import "reflect-metadata";
import { Field, Float, ID, Int, ObjectType, GraphQLISODateTime } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { SourceSystem, SyncMode, SyncRunStatus, SyncWaitReason } from "./enums.js";

@ObjectType({ description: "What a sync run has done so far (counts grow while it runs)." })
export class SyncRunCounts {
  @Field(() => Int, { description: "Source records looked at." }) seen!: number;
  @Field(() => Int) created!: number;
  @Field(() => Int) updated!: number;
  @Field(() => Int) deleted!: number;
  @Field(() => Int) unchanged!: number;
  @Field(() => Int) conflicts!: number;
  @Field(() => Int) quarantined!: number;
  @Field(() => Int, { description: "Calls made to PowerOffice and Chargebee." }) apiCalls!: number;
  @Field(() => Int, { description: "Records left unprocessed by errors that were not theirs (network, 5xx, 429); the next run tries them again." })
  errors!: number;
  @Field(() => Int, { description: "Records waiting for a record they refer to (an order's customer) that is not synced yet." })
  waiting!: number;
}

@ObjectType({ description: "A source a run could not read completely." })
export class SyncReadProblem {
  @Field(() => String, { description: 'The system and type, e.g. "poweroffice.ContactPerson".' }) source!: string;
  @Field(() => String) reason!: string;
}

@ObjectType({ description: "A run another run waited for before it started (runs over the same records never run at once)." })
export class SyncRunWait {
  @Field(() => ID) runId!: string;
  @Field(() => [String]) flows!: string[];
  @Field(() => GraphQLISODateTime, { description: "When the wait began." }) since!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: "When it ended (null while waiting)." }) until!: Date | null;
  @Field(() => SyncRunStatus, { nullable: true, description: "The other run's status now (null if it is gone)." }) status!: SyncRunStatus | null;
  @Field(() => SyncRunCounts, {
    nullable: true,
    description: "What the other run did: records it quarantined are counted there, not in the run that waited.",
  })
  counts!: SyncRunCounts | null;
}

@ObjectType({ description: "A request budget's rate as the vendor states it: `requests` every `perSeconds` (150 every 60 s)." })
export class SyncBudgetRate {
  @Field(() => Int) requests!: number;
  @Field(() => Float) perSeconds!: number;
}

@ObjectType({
  description:
    "What the running stage's API calls to one vendor wait for: the budget's rate, its limit of requests at once, or a 429's Retry-After. " +
    "Shown once a call has waited a second; the batches write it at most once a second while the wait lasts.",
})
export class SyncVendorWait {
  @Field(() => SourceSystem) vendor!: SourceSystem;
  @Field(() => SyncWaitReason) reason!: SyncWaitReason;
  @Field(() => String, { description: 'In words: "Chargebee\'s budget of 150 requests/minute", "Chargebee answered 429; retrying at 14:03:12 UTC".' })
  description!: string;
  @Field(() => GraphQLISODateTime, { description: "Since when the longest-waiting batch has waited." }) since!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: "RETRY_AFTER: when the vendor's pause ends and the calls go again." })
  retryAt!: Date | null;
  @Field(() => Int, {
    description:
      "Calls the stage still has to make to this vendor: its running batches' undecided items at the calls per item they made so far (one " +
      "before any is decided), and its batches of the same flows not started yet.",
  })
  callsLeft!: number;
  @Field(() => Float, {
    nullable: true,
    description:
      "About how long the stage's calls to this vendor take yet, in seconds: callsLeft at the budget's rate, plus what is left of a 429's pause. " +
      "Null when the budget has no rate (only a limit of requests at once). Other processes on the same account make it longer.",
  })
  expectedSecondsLeft!: number | null;
  @Field(() => Int, { description: "The stage whose calls wait (1 = the first)." }) stage!: number;
  @Field(() => Int, { description: "Running batches whose calls wait." }) batches!: number;
  @Field(() => SyncBudgetRate, { nullable: true, description: "The budget's rate (null: none)." }) rate!: SyncBudgetRate | null;
  @Field(() => Int, { description: "The budget's requests at once (0: no limit)." }) maxConcurrency!: number;
}

@ObjectType({ description: "The next stage, while it waits for the running one to finish: its records refer to that stage's." })
export class SyncStageWait {
  @Field(() => Int, { description: "The waiting stage (1 = the first)." }) stage!: number;
  @Field(() => [String]) flows!: string[];
  @Field(() => Int, { description: "The stage it waits for." }) waitsForStage!: number;
  @Field(() => [String]) waitsForFlows!: string[];
  @Field(() => [String], { description: "The flows of the running stage its flows depend on." }) needs!: string[];
  @Field(() => String, { description: 'In words: "Stage 3 (F8, F9) waits for stage 2 (F1, F2, F3, F4) to finish: it needs F1, F3, F4 first".' })
  description!: string;
}

@ObjectType({ description: "How long a run's batches waited on one vendor's request budget (rate, requests at once, 429 pauses)." })
export class SyncBudgetWaited {
  @Field(() => SourceSystem) vendor!: SourceSystem;
  @Field(() => Float, { description: "Milliseconds; batches that waited side by side count once." }) waitedMs!: number;
}

@ObjectType({ description: "One sync run: queued by runSync/syncRecord or the schedule, processed by the workers." })
export class SyncRun {
  @Field(() => ID) id!: string;
  @Field(() => String) requestedBy!: string;
  @Field(() => [String], { description: "The flows it runs (F1–F11)." }) flows!: string[];
  @Field(() => SyncMode) mode!: SyncMode;
  @Field(() => SyncRunStatus) status!: SyncRunStatus;
  @Field(() => String, { nullable: true, description: "queued, reading, planning, processing or finished." }) phase!: string | null;
  @Field(() => SyncRunCounts) counts!: SyncRunCounts;
  @Field(() => Int) batchesTotal!: number;
  @Field(() => Int) batchesDone!: number;
  @Field(() => Float, { nullable: true, description: "batchesDone / batchesTotal (0–1); null before the work is planned." }) progress!: number | null;
  @Field(() => String, { nullable: true, description: "Why it failed or finished partial, and what to do." }) error!: string | null;
  @Field(() => [String], { description: "What a PARTIAL run missed, a sentence each (empty otherwise)." }) shortfalls!: string[];
  @Field(() => [SyncReadProblem], { description: "Sources it could not read completely, and why." }) incompleteSources!: SyncReadProblem[];
  @Field(() => [String], { description: "Sources that had failed in earlier runs and read completely in this one." }) recoveredSources!: string[];
  @Field(() => ID, { nullable: true, description: "While QUEUED behind a running run over the same records: that run's id." })
  waitingForRunId!: string | null;
  @Field(() => GraphQLJSONObject, { description: "Phase, stages, read statistics, dry-run plan." }) detail!: Record<string, unknown>;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) startedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) finishedAt!: Date | null;
}

/** The columns of sync_runs. */
export interface SyncRunDbRow {
  id: string;
  requested_by: string;
  flows: string[];
  mode: string;
  status: string;
  records_seen: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  conflicts: number;
  quarantined: number;
  api_calls: number;
  errors: number;
  waiting: number;
  batches_total: number;
  batches_done: number;
  detail: Record<string, unknown> | null;
  error: string | null;
  created_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];
}

function readProblems(read: unknown): SyncReadProblem[] {
  const incomplete = (read as { incomplete?: unknown } | undefined)?.incomplete;
  if (!Array.isArray(incomplete)) return [];
  return incomplete.map((entry) =>
    typeof entry === "string"
      ? { source: entry, reason: "not recorded" }
      : { source: String(entry?.source ?? ""), reason: String(entry?.reason ?? "") },
  );
}

const dateOrNull = (value: Date | string | null) => (value === null ? null : new Date(value));

export function toSyncRun(row: SyncRunDbRow): SyncRun {
  const detail = row.detail ?? {};
  const batchesTotal = Number(row.batches_total);
  const batchesDone = Number(row.batches_done);
  return {
    id: row.id,
    requestedBy: row.requested_by,
    flows: row.flows,
    mode: row.mode as SyncMode,
    status: row.status as SyncRunStatus,
    phase: typeof detail.phase === "string" ? detail.phase : null,
    counts: {
      seen: Number(row.records_seen),
      created: Number(row.created),
      updated: Number(row.updated),
      deleted: Number(row.deleted),
      unchanged: Number(row.unchanged),
      conflicts: Number(row.conflicts),
      quarantined: Number(row.quarantined),
      apiCalls: Number(row.api_calls),
      errors: Number(row.errors ?? 0),
      waiting: Number(row.waiting ?? 0),
    },
    batchesTotal,
    batchesDone,
    progress: row.status === "succeeded" || row.status === "partial" ? 1 : batchesTotal > 0 ? Math.min(1, batchesDone / batchesTotal) : null,
    error: row.error,
    shortfalls: stringList(detail.shortfalls),
    incompleteSources: readProblems(detail.read),
    recoveredSources: stringList((detail.read as { recovered?: unknown } | undefined)?.recovered),
    waitingForRunId: row.status === "queued" ? ((detail.waitingFor as { runId?: string } | undefined)?.runId ?? null) : null,
    detail,
    createdAt: new Date(row.created_at),
    startedAt: dateOrNull(row.started_at),
    finishedAt: dateOrNull(row.finished_at),
  };
}
