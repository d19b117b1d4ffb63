import type { Knex } from "knex";
import { creationFlowById, flowById, isCreationFlowId } from "../flows/index.js";
import { FINISHED_STATUSES, failRun, mergeDetail } from "./run-store.js";
import type { FlowId, RunDetail, RunStatus, RunWait } from "./types.js";

/** How often a run queued behind another looks again (its job is sent again for then). */
export const ADMISSION_RECHECK_SECONDS = 2;

/** Any constant: the admission of runs, in every process on the database, takes this transaction lock in turn. */
const ADMISSION_LOCK = 7_301_117;

/** What a flow reads or writes, as "system:entity", and its group: two flows that share one may touch the same record. */
function flowResources(flow: string): string[] {
  if (isCreationFlowId(flow)) {
    // A creation flow writes the links of the flows it pairs with: it overlaps everything they touch.
    const creation = creationFlowById(flow);
    return [
      `${creation.source.system}:${creation.source.entity}`,
      `${creation.target.system}:${creation.target.entity}`,
      ...(creation.alsoReads?.poweroffice ?? []).map((entity) => `poweroffice:${entity}`),
    ];
  }
  const definition = flowById(flow);
  const resources = [`${definition.source.system}:${definition.source.entity}`, `${definition.target.system}:${definition.target.entity}`];
  if (definition.children) resources.push(`poweroffice:${definition.children.entity}`);
  if (definition.outbox) resources.push(`${definition.outbox.system}:${definition.outbox.entity}`);
  if (definition.group) resources.push(`group:${definition.group.name}`);
  if (definition.parent) resources.push(...flowResources(definition.parent.flow));
  return resources;
}

/** Whether two sets of flows could plan or write the same records (then their runs never run at once). */
export function flowsOverlap(a: readonly string[], b: readonly string[]): boolean {
  const touched = new Set(a.flatMap(flowResources));
  return b.some((flow) => flowResources(flow).some((resource) => touched.has(resource)));
}

export type Admission =
  /** This job carries the run now: it was queued and nothing overlapping runs, or this is its own job again. */
  | { kind: "admitted" }
  /** Nothing to do: the run ended, or another job carries it. */
  | { kind: "skip"; why: string }
  /** A run over overlapping flows is running: this one stays queued and looks again shortly. */
  | { kind: "waiting"; blocker: { id: string; flows: FlowId[]; status: RunStatus } };

interface RunRow {
  id: string;
  flows: FlowId[];
  status: RunStatus;
  detail: RunDetail | null;
}

/**
 * Decides whether a run's job may start it. Runs whose flows overlap never run at once, across every process and
 * machine on the database: admission is serialized by a transaction lock, and a run is admitted only when no
 * running run overlaps it (the older, or interrupted and resuming, run goes first; this one waits). A run that
 * is already running is carried only by the job that started it (its retries keep the job id), so a second job
 * sent for the same run never reads or plans it twice.
 */
export async function admitRun(knex: Knex, runId: string, jobId: string): Promise<Admission> {
  return knex.transaction(async (trx) => {
    await trx.raw("select pg_advisory_xact_lock(?)", [ADMISSION_LOCK]);
    const run = (await trx("sync_runs").where({ id: runId }).forUpdate().first("id", "flows", "status", "detail")) as RunRow | undefined;
    if (!run) return { kind: "skip", why: "the run does not exist" };
    if (FINISHED_STATUSES.includes(run.status)) return { kind: "skip", why: `the run has ended (${run.status})` };
    if (run.status === "running") {
      const owner = run.detail?.jobId;
      return !owner || owner === jobId ? { kind: "admitted" } : { kind: "skip", why: `job ${owner} carries the run` };
    }
    const running = (await trx("sync_runs")
      .where({ status: "running" })
      .whereNot({ id: runId })
      .orderBy("created_at")
      .select("id", "flows", "status", "detail")) as RunRow[];
    const blocker = running.find((other) => flowsOverlap(other.flows, run.flows));
    const now = new Date().toISOString();
    const previous = run.detail?.waitingFor;
    if (blocker) {
      const waitingFor: RunWait = previous?.runId === blocker.id ? previous : { runId: blocker.id, flows: blocker.flows, since: now };
      const waited = closeWait(run.detail, previous?.runId === blocker.id ? null : now);
      await trx("sync_runs")
        .where({ id: runId })
        .update({ detail: mergeDetail(trx, { phase: "waiting", waitingFor, ...(waited ? { waited } : {}) }) });
      return { kind: "waiting", blocker: { id: blocker.id, flows: blocker.flows, status: blocker.status } };
    }
    const waited = closeWait(run.detail, now);
    await trx("sync_runs")
      .where({ id: runId })
      .update({
        status: "running",
        started_at: trx.raw("coalesce(started_at, now())"),
        detail: trx.raw("(detail - 'waitingFor') || ?::jsonb", [JSON.stringify({ phase: "reading", jobId, ...(waited ? { waited } : {}) })]),
      });
    return { kind: "admitted" };
  });
}

/** The run's list of waits with the current one closed at `until` (null: nothing to close). */
function closeWait(detail: RunDetail | null, until: string | null): RunWait[] | null {
  const current = detail?.waitingFor;
  if (!current || !until) return null;
  return [...(detail?.waited ?? []), { ...current, until }];
}

/**
 * A running run whose jobs are all gone (none queued, retrying or active) can never end by itself: it is failed,
 * so the runs waiting behind it can start. Returns whether it was.
 */
export async function failAbandonedRun(knex: Knex, runId: string, hasOpenJobs: (runId: string) => Promise<boolean>): Promise<boolean> {
  if (await hasOpenJobs(runId)) return false;
  return failRun(
    knex,
    runId,
    "The run stopped without finishing and none of its jobs is left to resume it (the job queue was emptied?); start a new run",
  );
}
