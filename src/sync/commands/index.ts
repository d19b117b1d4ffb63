// The sync's commands: what GraphQL (the link subgraph), the CLI and the schedule ask of it.
export { requestSyncRun, requestRecordSync, normaliseFlows, checkMode, SYNC_MODES, type SyncCommandDeps } from "./run-commands.js";
export {
  linkRecords,
  unlinkRecord,
  resolveConflict,
  retryQuarantined,
  type LinkRecordsInput,
  type LinkRecordsResult,
  type UnlinkRecordInput,
  type ResolveConflictInput,
  type RetryQuarantinedInput,
} from "./link-commands.js";
export { updateUnified, DEFAULT_WRITE_WAIT_MS, type UpdateUnifiedInput, type UpdateUnifiedResult, type RecordWrite } from "./write-commands.js";
export { createUnified, type CreateUnifiedInput, type CreateUnifiedResult } from "./create-commands.js";
export { listActionable, countActionable, type ActionableRecord, type ActionableQuery } from "./actionable.js";
export { getSyncRun, listSyncRuns, type ListSyncRunsInput } from "../runs/run-store.js";
export { readRunReport, type RunReport, type RunReportRow } from "../runs/report.js";
export { readRunPlan } from "../runs/stages.js";
export { waitForRun } from "../runs/wait.js";
export { SyncCommandError, type SyncCommandErrorCode } from "../model/errors.js";
