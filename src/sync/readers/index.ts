import type { ChargebeeReadableResource } from "../../connectors/chargebee/index.js";
import { selectedFlows } from "../engine/plan.js";
import type { FlowId, FlowSelection, SyncContext } from "../engine/types.js";
import { chargebeeTypesToRead } from "./chargebee-catchup.js";
import { readChargebeeBusinessEntities, readChargebeeResource } from "./chargebee-reader.js";
import { readPowerOfficeEntity, type ReadOutcome } from "./poweroffice-reader.js";

/** What each flow needs read, from each side (F4's create rule also needs the sales orders). */
const SOURCES: Record<FlowId, { poweroffice: string[]; chargebee: Array<ChargebeeReadableResource | "business_entity"> }> = {
  F1: { poweroffice: ["ContactPerson"], chargebee: ["customer"] },
  F2: { poweroffice: ["Employee"], chargebee: ["customer"] },
  F3: { poweroffice: ["Customer"], chargebee: ["customer"] },
  F4: { poweroffice: ["Customer", "SalesOrder"], chargebee: ["customer"] },
  F5: { poweroffice: ["Customer"], chargebee: ["business_entity"] },
  F6: { poweroffice: ["Department"], chargebee: ["business_entity"] },
  F7: { poweroffice: ["Product"], chargebee: ["item_family", "item", "item_price"] },
  F8: { poweroffice: ["SalesOrder"], chargebee: ["invoice", "order"] },
  F9: { poweroffice: ["SalesOrder"], chargebee: ["invoice", "order"] },
};

export interface ReadSummary {
  /** Records new or changed in the datasets (these are what phase 2 may process). */
  changed: number;
  unchanged: number;
  deleted: number;
  apiCalls: number;
  /** Types whose read failed or was partial (their cursor did not move, nothing was deleted by absence). */
  incomplete: string[];
}

function totalCalls(ctx: SyncContext): number {
  return ctx.poweroffice.stats().totalCalls + ctx.chargebee.stats().totalCalls;
}

/**
 * Phase 1: brings each source's changes into the datasets for the selected flows. incremental (and dry-run) read
 * from each type's cursor; full reads everything with no time filter; reconcile reads everything and marks what a
 * complete read did not return as deleted. A type whose read fails is reported in `incomplete` and the others go on.
 */
export async function readSources(ctx: SyncContext, selection: FlowSelection): Promise<ReadSummary & { changed: number }> {
  ctx.progress.phase?.("read");
  const flows = selectedFlows(selection.flows);
  const poweroffice = new Set(flows.flatMap((flow) => SOURCES[flow].poweroffice));
  const chargebeeWanted = [...new Set(flows.flatMap((flow) => SOURCES[flow].chargebee))];
  const { read: chargebee, leftToWebhooks } = await chargebeeTypesToRead(ctx.knex, ctx.settings, selection.mode, chargebeeWanted);
  if (leftToWebhooks.length > 0) ctx.logger.debug({ types: leftToWebhooks }, "Chargebee changes come by webhook; its catch-up read is not due");
  const summary: ReadSummary = { changed: 0, unchanged: 0, deleted: 0, apiCalls: 0, incomplete: [] };
  const before = totalCalls(ctx);
  const add = (name: string, outcome: ReadOutcome) => {
    summary.changed += outcome.changed;
    summary.unchanged += outcome.unchanged;
    summary.deleted += outcome.deleted;
    if (!outcome.complete) summary.incomplete.push(name);
  };
  const run = async (name: string, read: () => Promise<ReadOutcome>) => {
    try {
      add(name, await read());
    } catch (error) {
      ctx.logger.warn({ err: error, source: name }, "reading a source failed; its cursor stays and nothing is deleted for it");
      summary.incomplete.push(name);
    }
  };
  const poTasks = [...poweroffice].map((entity) => () => run(`poweroffice.${entity}`, () => readPowerOfficeEntity(ctx, entity, selection.mode)));
  const cbTasks = chargebee.map((resource) => () =>
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
  await ctx.progress.add({ apiCalls: summary.apiCalls });
  return summary;
}
