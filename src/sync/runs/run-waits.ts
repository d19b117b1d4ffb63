import type { Knex } from "knex";
import { anyFlowById, isFlowId } from "../flows/index.js";
import { coveredMs, expectedSecondsLeft, type Span } from "./wait-estimate.js";
import {
  VENDORS,
  type BatchApiWaits,
  type BatchVendorWait,
  type BudgetRate,
  type BudgetWaitReason,
  type RunDetail,
  type RunStatus,
  type Vendor,
} from "./types.js";

/** A wait written longer ago than this comes from a batch whose worker stopped writing (killed): it is not shown. */
export const STALE_WAIT_MS = 10_000;

/** What the running stage's calls to one vendor wait for, across its batches. */
export interface VendorWaitView {
  vendor: Vendor;
  reason: BudgetWaitReason;
  /** Since when the longest-waiting batch has waited. */
  since: Date;
  /** retry-after: when the vendor's pause ends. */
  retryAt: Date | null;
  /** The calls the stage's running batches still have to make to the vendor, with its batches of the same flows not started yet. */
  callsLeft: number;
  /** callsLeft at the budget's rate (no sooner than it has room again), plus a 429's pause still to run; null without a rate. */
  expectedSecondsLeft: number | null;
  /** The stage (0-based). */
  stage: number;
  /** Running batches whose calls wait. */
  batches: number;
  rate: BudgetRate | null;
  /** Requests at once (0: no limit). */
  maxConcurrency: number;
}

/** The next stage, while it waits for the running one (its records depend on that stage's). */
export interface StageWaitView {
  /** 0-based. */
  stage: number;
  flows: string[];
  waitsForStage: number;
  waitsForFlows: string[];
  /** The running stage's flows that the waiting stage's flows depend on. */
  needs: string[];
}

export interface RunWaits {
  waitingOn: VendorWaitView[];
  stageWaiting: StageWaitView | null;
}

export const NO_WAITS: RunWaits = { waitingOn: [], stageWaiting: null };

/** A batch of a run's current stage that is queued or running, as its waits are read. */
export interface StageBatchRow {
  run_id: string;
  stage: number;
  label: string;
  status: string;
  item_count: number;
  api_waits: BatchApiWaits | null;
  /** How long ago api_waits was written, on the database's clock (null: never). */
  age_ms: number | string | null;
}

/** The run's stage whose waits are worth reading: a running run processing a stage. */
export function currentStageOf(run: { status: RunStatus | string; detail: RunDetail | Record<string, unknown> }): number | null {
  const detail = run.detail as RunDetail;
  if (run.status !== "running" || detail.phase !== "processing" || typeof detail.stage !== "number") return null;
  return detail.stage;
}

/** The queued and running batches of each run's current stage (one statement for any number of runs). */
export function stageBatchesQuery(knex: Knex, runs: ReadonlyArray<{ id: string; stage: number }>): Knex.QueryBuilder {
  return knex("sync_run_batches")
    .select(
      "run_id",
      "stage",
      "label",
      "status",
      "item_count",
      "api_waits",
      knex.raw("extract(epoch from (now() - (api_waits->>'at')::timestamptz)) * 1000 as age_ms"),
    )
    .whereIn(
      ["run_id", "stage"],
      runs.map((run) => [run.id, run.stage]),
    )
    .whereIn("status", ["queued", "running"]);
}

/**
 * What a run waits for now, from its current stage's batches (`now`: the reader's clock; the batches' ages come from
 * the database's, so machines whose clocks differ agree): per vendor, the reason shown is a 429 if any batch sits one
 * out, else the rate if any batch waits for it, else the concurrency; the calls left add up the running batches' and
 * estimate the stage's batches not started yet from the running batches of the same flows. The next stage waits for
 * this one once this one has no batch left to start.
 */
export function waitsOf(
  run: { status: RunStatus | string; detail: RunDetail | Record<string, unknown> },
  rows: readonly StageBatchRow[],
  now: number,
): RunWaits {
  const stage = currentStageOf(run);
  if (stage === null) return NO_WAITS;
  const batches = rows.filter((row) => row.stage === stage);
  const fresh = batches.filter((row) => row.status === "running" && row.api_waits && row.age_ms !== null && Number(row.age_ms) <= STALE_WAIT_MS);
  const waitingOn: VendorWaitView[] = [];
  for (const vendor of VENDORS) {
    const entries = fresh.flatMap((row) =>
      row.api_waits!.waiting.filter((wait) => wait.vendor === vendor).map((wait) => ({ row, wait, age: Math.max(0, Number(row.age_ms)) })),
    );
    if (entries.length === 0) continue;
    const reason = (["retry-after", "rate", "concurrency"] as const).find((candidate) => entries.some((entry) => entry.wait.reason === candidate))!;
    const longest = Math.max(...entries.map((entry) => entry.age + entry.wait.waitedMs));
    const pauseLeftMs = Math.max(0, ...entries.map((entry) => (entry.wait.pauseLeftMs ?? 0) - entry.age));
    const nextStartInMs = Math.max(0, ...entries.map((entry) => (entry.wait.nextStartInMs ?? 0) - entry.age));
    const callsLeft = entries.reduce((sum, entry) => sum + entry.wait.callsLeft, 0) + notStartedCalls(batches, vendor);
    const limits: BatchVendorWait = entries[0]!.wait;
    waitingOn.push({
      vendor,
      reason,
      since: new Date(now - longest),
      retryAt: reason === "retry-after" ? new Date(now + pauseLeftMs) : null,
      callsLeft,
      expectedSecondsLeft: expectedSecondsLeft(callsLeft, limits.requestsPerSecond, { pauseLeftMs, nextStartInMs }),
      stage,
      batches: entries.length,
      rate: limits.rate ?? null,
      maxConcurrency: limits.maxConcurrency,
    });
  }
  return { waitingOn, stageWaiting: batches.some((row) => row.status === "queued") ? null : nextStageWait(run.detail as RunDetail, stage) };
}

/** The stage's queued batches' calls to `vendor`, at the calls per item of its running batches of the same flows. */
function notStartedCalls(batches: readonly StageBatchRow[], vendor: Vendor): number {
  const perItem = new Map<string, number[]>();
  for (const row of batches) {
    const rate = row.status === "running" ? row.api_waits?.callsPerItem[vendor] : undefined;
    if (rate !== undefined) perItem.set(row.label, [...(perItem.get(row.label) ?? []), rate]);
  }
  let calls = 0;
  for (const row of batches) {
    const rates = row.status === "queued" ? perItem.get(row.label) : undefined;
    if (rates) calls += Math.round(row.item_count * (rates.reduce((sum, rate) => sum + rate, 0) / rates.length));
  }
  return calls;
}

function nextStageWait(detail: RunDetail, stage: number): StageWaitView | null {
  const stages = detail.stages ?? [];
  const next = stages[stage + 1];
  const current = stages[stage];
  if (!next || !current) return null;
  const running = new Set<string>(current.flows);
  const needs = new Set<string>();
  for (const flow of next.flows) {
    if (!isFlowId(flow)) continue;
    for (const dependency of anyFlowById(flow).dependsOn) if (running.has(dependency)) needs.add(dependency);
  }
  return { stage: stage + 1, flows: [...next.flows], waitsForStage: stage, waitsForFlows: [...current.flows], needs: [...needs].sort() };
}

/** What a run waits for now (one statement, and only while it processes a stage). */
export async function readRunWaits(knex: Knex, run: { id: string; status: RunStatus; detail: RunDetail }): Promise<RunWaits> {
  const stage = currentStageOf(run);
  if (stage === null) return NO_WAITS;
  const rows = (await stageBatchesQuery(knex, [{ id: run.id, stage }])) as StageBatchRow[];
  return waitsOf(run, rows, Date.now());
}

/** The waits each batch of the runs recorded (those that waited at all). */
export function waitedBatchesQuery(knex: Knex, runIds: readonly string[]): Knex.QueryBuilder {
  return knex("sync_run_batches")
    .select("run_id", knex.raw("api_waits->'waited' as waited"))
    .whereIn("run_id", [...runIds])
    .whereNotNull("api_waits");
}

/** Per vendor, the time any of the batches waited on its budget (batches that waited side by side count once). */
export function budgetWaitedFrom(rows: ReadonlyArray<{ waited: BatchApiWaits["waited"] | null }>): Partial<Record<Vendor, number>> {
  const waited: Partial<Record<Vendor, number>> = {};
  for (const vendor of VENDORS) {
    const spans: Span[] = rows.flatMap((row) => row.waited?.[vendor] ?? []);
    const ms = Math.round(coveredMs(spans));
    if (ms > 0) waited[vendor] = ms;
  }
  return waited;
}

/** How long a run waited on each vendor's budget: as recorded when it finished, else added up from its batches now. */
export async function readBudgetWaited(knex: Knex, run: { id: string; detail: RunDetail }): Promise<Partial<Record<Vendor, number>>> {
  if (run.detail.budgetWaited) return run.detail.budgetWaited;
  return budgetWaitedFrom((await waitedBatchesQuery(knex, [run.id])) as Array<{ waited: BatchApiWaits["waited"] | null }>);
}
