/** The sync engine's public API (see /tmp/team/CONTRACTS.md): H4's jobs, the CLI and the tests call these. */
export { readSources, type ReadSummary } from "./read.js";
export { planWork, stageFlows, selectedFlows } from "./plan.js";
export { processWork } from "./process.js";
export { runFlows } from "./run.js";
export { FLOWS } from "../flows/index.js";
export {
  FLOW_IDS,
  emptyCounts,
  addCounts,
  type FlowId,
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
export { SyncCommandError, type SyncCommandErrorCode } from "../model/errors.js";
export { linkRecords, unlinkRecord, resolveConflict, retryQuarantined } from "../commands/link-commands.js";
export { listActionable, countActionable, type ActionableRecord, type ActionableQuery } from "../commands/actionable.js";
