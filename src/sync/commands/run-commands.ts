import type { Knex } from "knex";
import { recordPresence } from "../../datasets/read-records.js";
import { FLOW_IDS, flowsOfRecordType, recordTypesSynced } from "../flows/index.js";
import { QUEUES, type JobQueue } from "../../jobs/queue.js";
import type { Logger } from "../../logging/logger.js";
import { SyncCommandError } from "../model/errors.js";
import { insertRun } from "../runs/run-store.js";
import type { CreateRequest, FlowId, RecordTarget, RunJobData, SyncMode, SyncRunRow } from "../runs/types.js";

/** What the sync commands need: GraphQL (the link subgraph), the CLI and the scheduler call them. */
export interface SyncCommandDeps {
  knex: Knex;
  queue: JobQueue;
  logger: Logger;
}

export const SYNC_MODES: readonly SyncMode[] = ["incremental", "full", "reconcile", "dry-run"];

/** Checks flow ids and removes repeats; no flows (or none given) means every flow. */
export function normaliseFlows(flows: readonly string[] | undefined): FlowId[] {
  if (!flows || flows.length === 0) return [...FLOW_IDS];
  const unknown = flows.filter((flow) => !(FLOW_IDS as readonly string[]).includes(flow));
  if (unknown.length > 0) {
    throw new SyncCommandError("BAD_USER_INPUT", `Unknown flow(s): ${unknown.join(", ")}. Known flows: ${FLOW_IDS.join(", ")}.`);
  }
  return FLOW_IDS.filter((flow) => flows.includes(flow));
}

export function checkMode(mode: string): SyncMode {
  if (!(SYNC_MODES as readonly string[]).includes(mode)) {
    throw new SyncCommandError("BAD_USER_INPUT", `Unknown sync mode "${mode}". Use one of: ${SYNC_MODES.join(", ")}.`);
  }
  return mode as SyncMode;
}

function checkRequestedBy(requestedBy: string): string {
  const trimmed = requestedBy.trim();
  if (!trimmed) throw new SyncCommandError("BAD_USER_INPUT", "requestedBy must name who asked for the sync");
  return trimmed.slice(0, 200);
}

/** Creates a queued sync run and its job; a worker picks it up. */
export async function requestSyncRun(
  deps: SyncCommandDeps,
  input: { flows?: readonly string[]; mode: string; requestedBy: string },
): Promise<SyncRunRow> {
  const flows = normaliseFlows(input.flows);
  const mode = checkMode(input.mode);
  const requestedBy = checkRequestedBy(input.requestedBy);
  return enqueueRun(deps, { flows, mode, requestedBy });
}

/** Syncs one record now: reads the latest changes, then processes the work that involves this record. */
export async function requestRecordSync(
  deps: SyncCommandDeps,
  input: { system: string; entity: string; sourceId: string; requestedBy: string },
): Promise<SyncRunRow> {
  if (input.system !== "poweroffice" && input.system !== "chargebee") {
    throw new SyncCommandError("BAD_USER_INPUT", `system must be "poweroffice" or "chargebee", got "${input.system}"`);
  }
  const flows = flowsOfRecordType(input.system, input.entity);
  if (flows.length === 0) {
    const known = recordTypesSynced(input.system).join(", ");
    throw new SyncCommandError("BAD_USER_INPUT", `No flow syncs ${input.system} "${input.entity}" records. Known: ${known}.`);
  }
  const sourceId = input.sourceId.trim();
  if (!sourceId) throw new SyncCommandError("BAD_USER_INPUT", "sourceId is empty");
  const found = await recordPresence(deps.knex, input.system, input.entity, sourceId);
  if (!found) {
    throw new SyncCommandError(
      "NOT_FOUND",
      `No ${input.system} ${input.entity} with id "${sourceId}" has been read yet; run a sync first (or check the id).`,
    );
  }
  const record: RecordTarget = { system: input.system, entity: input.entity, sourceId };
  return enqueueRun(deps, { flows, mode: "incremental", requestedBy: checkRequestedBy(input.requestedBy), record });
}

/** Queues a run and its job in one transaction, and wakes a worker. */
export async function enqueueRun(
  deps: SyncCommandDeps,
  input: { flows: FlowId[]; mode: SyncMode; requestedBy: string; record?: RecordTarget; create?: CreateRequest },
): Promise<SyncRunRow> {
  // The run row and its job commit together: no queued run without a job, no job without its run.
  const run = await deps.knex.transaction(async (trx) => {
    const created = await insertRun(trx, {
      flows: input.flows,
      mode: input.mode,
      requestedBy: input.requestedBy,
      detail:
        input.record || input.create
          ? { ...(input.record ? { record: input.record } : {}), ...(input.create ? { create: input.create } : {}) }
          : undefined,
    });
    await deps.queue.send(QUEUES.syncRun, { runId: created.id } satisfies RunJobData, { db: deps.queue.transactionDb(trx) });
    return created;
  });
  deps.queue.wake(QUEUES.syncRun);
  deps.logger.info({ runId: run.id, flows: run.flows, mode: run.mode, requestedBy: run.requestedBy }, "sync run queued");
  return run;
}
