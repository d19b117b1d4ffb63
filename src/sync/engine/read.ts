import type { ChargebeeReadableResource } from "../../connectors/chargebee/index.js";
import { selectedFlows } from "./plan.js";
import type { FlowSelection, SyncContext } from "../model/types.js";
import { chargebeeTypesToRead } from "../chargebee/catchup.js";
import { readChargebeeBusinessEntities, readChargebeeResource } from "../chargebee/reader.js";
import type { ReadOutcome } from "../model/read-outcome.js";
import { readPowerOfficeEntity } from "../poweroffice/reader.js";
import { quarantineUnstored } from "./unstored.js";
import { recordSourceHealth, type ReadProblem } from "../tables/source-health.js";
import { readsOf } from "../flows/index.js";

export type { ReadProblem } from "../tables/source-health.js";

export interface ReadSummary {
  /** Records new or changed in the datasets (these are what phase 2 may process). */
  changed: number;
  unchanged: number;
  deleted: number;
  /** Records that could not be stored: quarantined with the reason, the rest of the read went on. */
  quarantined: number;
  apiCalls: number;
  /** Sources whose read failed or was partial, and why (their cursor did not move, nothing was deleted for them). */
  incomplete: ReadProblem[];
  /** Sources that had failed in earlier runs and read completely in this one. */
  recovered: string[];
}

function totalCalls(ctx: SyncContext): number {
  return ctx.poweroffice.stats().totalCalls + ctx.chargebee.stats().totalCalls;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Phase 1: brings each source's changes into the datasets for the selected flows. incremental (and dry-run) read
 * from each type's cursor; full reads everything with no time filter; reconcile reads everything and marks what a
 * complete read did not return as deleted. A type whose read fails is reported in `incomplete` with the reason and
 * the others go on; a type that keeps failing run after run is raised at error level.
 */
export async function readSources(ctx: SyncContext, selection: FlowSelection): Promise<ReadSummary> {
  ctx.progress.phase?.("read");
  const flows = selectedFlows(selection.flows);
  const reads = readsOf(flows);
  const poweroffice = new Set(reads.poweroffice);
  const chargebeeWanted = reads.chargebee as Array<ChargebeeReadableResource | "business_entity">;
  const { read: chargebee, leftToWebhooks } = await chargebeeTypesToRead(ctx.knex, ctx.settings, selection.mode, chargebeeWanted);
  if (leftToWebhooks.length > 0) ctx.logger.debug({ types: leftToWebhooks }, "Chargebee changes come by webhook; its catch-up read is not due");
  const summary: ReadSummary = { changed: 0, unchanged: 0, deleted: 0, quarantined: 0, apiCalls: 0, incomplete: [], recovered: [] };
  const succeeded: string[] = [];
  const before = totalCalls(ctx);
  const add = async (source: string, outcome: ReadOutcome) => {
    summary.changed += outcome.changed;
    summary.unchanged += outcome.unchanged;
    summary.deleted += outcome.deleted;
    summary.quarantined += await quarantineUnstored(ctx, outcome.unstored);
    if (outcome.complete) succeeded.push(source);
    else summary.incomplete.push({ source, reason: outcome.problems.join("; ") || "the read did not complete" });
  };
  const run = async (source: string, read: () => Promise<ReadOutcome>) => {
    try {
      await add(source, await read());
    } catch (error) {
      ctx.logger.warn({ err: error, source }, `reading ${source} failed; its cursor stays and nothing is deleted for it: ${errorText(error)}`);
      summary.incomplete.push({ source, reason: errorText(error) });
    }
  };
  const poTasks = [...poweroffice].map((entity) => () => run(`poweroffice.${entity}`, () => readPowerOfficeEntity(ctx, entity, selection.mode)));
  const cbTasks = chargebee.map(
    (resource) => () =>
      run(`chargebee.${resource}`, () =>
        resource === "business_entity" ? readChargebeeBusinessEntities(ctx, selection.mode) : readChargebeeResource(ctx, resource, selection.mode),
      ),
  );
  // The two APIs are read side by side. Within a side, an incremental poll (every type has a cursor, pages are
  // small) reads its types at once so the poll ends sooner; a first or full read goes type by type to keep memory
  // low. The clients' rate budgets apply either way.
  const cursors = (await ctx.knex("sync_cursors").select("system", "entity")) as Array<{ system: string; entity: string }>;
  const hasCursor = (system: string, entity: string) => cursors.some((row) => row.system === system && row.entity === entity);
  const incremental = selection.mode === "incremental" || selection.mode === "dry-run";
  const poAtOnce = incremental && [...poweroffice].every((entity) => hasCursor("poweroffice", entity));
  const cbAtOnce = incremental && chargebee.every((resource) => hasCursor("chargebee", resource));
  const runSide = async (tasks: Array<() => Promise<void>>, atOnce: boolean) => {
    if (atOnce) await Promise.all(tasks.map((task) => task()));
    else for (const task of tasks) await task();
  };
  await Promise.all([runSide(poTasks, poAtOnce), runSide(cbTasks, cbAtOnce)]);
  summary.apiCalls = totalCalls(ctx) - before;
  await ctx.progress.add({ apiCalls: summary.apiCalls, quarantined: summary.quarantined });

  const health = await recordSourceHealth(ctx.knex, ctx.runId, { succeeded, failed: summary.incomplete });
  summary.recovered = health.recovered;
  for (const source of health.recovered) ctx.logger.info({ source }, `${source} is read completely again`);
  for (const failing of health.failing) {
    if (failing.consecutiveFailures < ctx.settings.readFailureAlertAfter) continue;
    ctx.logger.error(
      { source: failing.source, consecutiveFailures: failing.consecutiveFailures, reason: failing.reason },
      `${failing.source} has failed to read in ${failing.consecutiveFailures} runs in a row: ${failing.reason}. ` +
        "Its changes are not reaching the other system; check the connection and credentials, or the record named.",
    );
  }
  return summary;
}
