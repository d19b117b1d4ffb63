import { readSources } from "./read.js";
import { planWork } from "./plan.js";
import { processWork } from "./process.js";
import { addCounts, emptyCounts, type FlowSelection, type RunCounts, type SyncContext } from "../model/types.js";

/**
 * A whole sync in one process (tests, the CLI without a queue): read the sources, then each stage's work in
 * batches of settings.batchSize, a stage only after the one before it.
 */
export async function runFlows(ctx: SyncContext, selection: FlowSelection): Promise<RunCounts> {
  const totals = emptyCounts();
  const read = await readSources(ctx, selection);
  totals.apiCalls += read.apiCalls;
  ctx.progress.phase?.("plan");
  const stages = await planWork(ctx, selection);
  const batchSize = Math.max(1, ctx.settings.batchSize);
  for (const [index, stage] of stages.entries()) {
    ctx.progress.phase?.(`stage ${index + 1}/${stages.length}: ${stage.flows.join(", ")}`);
    for (let start = 0; start < stage.items.length; start += batchSize) {
      addCounts(totals, await processWork(ctx, stage.items.slice(start, start + batchSize)));
    }
  }
  return totals;
}
