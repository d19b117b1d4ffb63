export * from "./types.js";
export { getSyncRun, listSyncRuns, insertRun, failRun, type ListSyncRunsInput } from "./run-store.js";
export { handleRunJob } from "./run-job.js";
export { handleBatchJob } from "./batch-job.js";
export { readRunPlan, completeBatch, failBatch } from "./stages.js";
export { toBatches } from "./fan-out.js";
export { readRunReport, type RunReport, type RunReportRow } from "./report.js";
