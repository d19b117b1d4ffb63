/** The sync engine: what the runs, the CLI and the tests call (src/sync/index.ts is the sync's public face). */
export { readSources, type ReadSummary } from "./read.js";
export { planWork, stageFlows, selectedFlows } from "./plan.js";
export { processWork } from "./process.js";
export { runFlows } from "./run.js";
export { FLOWS, FLOW_IDS, type FlowId } from "../flows/index.js";
export {
  emptyCounts,
  addCounts,
  type SyncMode,
  type RunCounts,
  type ProgressSink,
  type SyncContext,
  type DryRunPlan,
  type PlannedWrite,
  type WorkItem,
  type WorkRecord,
  type WorkStage,
  type FlowSelection,
} from "../model/types.js";
export type { FlowDefinition, FieldSpec, MappedValues, UnifiedKind } from "../model/flow-definition.js";
