import type { FlowId, WorkItem, WorkStage } from "./types.js";

export interface PlannedBatch {
  stage: number;
  seq: number;
  flows: FlowId[];
  /** The flows of its items: "F7", or "F1+F2" for people in several roles decided together. */
  label: string;
  items: WorkItem[];
}

function labelOf(item: WorkItem): string {
  return [...new Set(item.records.map((record) => record.flow))].sort().join("+");
}

/**
 * Splits each stage into batches of at most `batchSize` items. Items are grouped by the flows they touch first,
 * so each batch's counts belong to one flow (or one group of flows), which is what the summary table shows.
 * Empty stages are dropped; stage numbers stay dense and in order.
 */
export function toBatches(
  stages: WorkStage[],
  batchSize: number,
): { batches: PlannedBatch[]; stages: Array<{ flows: FlowId[]; items: number; batches: number }> } {
  const size = Math.max(1, Math.floor(batchSize));
  const batches: PlannedBatch[] = [];
  const summaries: Array<{ flows: FlowId[]; items: number; batches: number }> = [];
  for (const stage of stages) {
    if (stage.items.length === 0) continue;
    const stageNumber = summaries.length;
    const byLabel = new Map<string, WorkItem[]>();
    for (const item of stage.items) {
      const label = labelOf(item);
      const list = byLabel.get(label);
      if (list) list.push(item);
      else byLabel.set(label, [item]);
    }
    let stageBatches = 0;
    for (const [label, items] of byLabel) {
      const flows = label.split("+") as FlowId[];
      for (let start = 0; start < items.length; start += size) {
        batches.push({ stage: stageNumber, seq: batches.length, flows, label, items: items.slice(start, start + size) });
        stageBatches++;
      }
    }
    summaries.push({ flows: stage.flows as FlowId[], items: stage.items.length, batches: stageBatches });
  }
  return { batches, stages: summaries };
}
