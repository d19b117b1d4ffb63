export * from "./types.js";
export { getSyncRun, listSyncRuns, insertRun, failRun, type ListSyncRunsInput } from "./run-store.js";
export { handleRunJob } from "./run-job.js";
export { handleBatchJob } from "./batch-job.js";
export { readRunPlan, completeBatch, failBatch } from "./stages.js";
export { toBatches } from "./fan-out.js";
export { readRunReport, type RunReport, type RunReportRow } from "./report.js";
export {
  readRunWaits,
  readBudgetWaited,
  waitsOf,
  currentStageOf,
  stageBatchesQuery,
  waitedBatchesQuery,
  budgetWaitedFrom,
  NO_WAITS,
  type RunWaits,
  type VendorWaitView,
  type StageWaitView,
  type StageBatchRow,
} from "./run-waits.js";
export { VENDOR_NAMES, estimateText, rateText, stageWaitText, waitReasonText } from "./wait-text.js";
