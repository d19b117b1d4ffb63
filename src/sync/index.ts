// The sync's public face: what the app, the CLI, the gateway, the subgraphs and the benches use of src/sync.
export * from "./commands/index.js";
export { CREATION_FLOWS, FLOWS, FLOW_IDS, flowName, isFlowId, recordTypesSynced, type FlowId, type FlowDefinition } from "./flows/index.js";
export { startSyncWorker, SCHEDULE_REQUESTER, type SyncWorker, type SyncWorkerOptions } from "./worker.js";
export { createSyncClients, checkSandboxesReachable, describeApis, budgetStoreForKnex, createConfiguredChargebeeClient } from "./clients.js";
export { createWebhookSyncWaker } from "./chargebee/webhook-waker.js";
export { waitForSchema } from "./schema-check.js";
export { listSourceHealth, type SourceHealth } from "./tables/source-health.js";
export { FINISHED_STATUSES } from "./runs/run-store.js";
export type { SyncRunRow, RunStatus, RunDetail, DryRunPlan, SyncClients, Vendor, BatchApiWaits } from "./runs/types.js";
export {
  readRunWaits,
  readBudgetWaited,
  waitsOf,
  currentStageOf,
  stageBatchesQuery,
  waitedBatchesQuery,
  budgetWaitedFrom,
  NO_WAITS,
  VENDOR_NAMES,
  estimateText,
  rateText,
  stageWaitText,
  waitReasonText,
  type RunWaits,
  type VendorWaitView,
  type StageWaitView,
  type StageBatchRow,
} from "./runs/index.js";
export type { PlannedWrite, SyncMode, RunCounts } from "./model/types.js";
export { fieldChangesQuery, type FieldChangeFilter, type FieldChangeRow, type ChangeReason } from "./tables/field-changes.js";
export { conflictPolicyOf, type ConflictPolicy, type ConflictPolicyRule } from "./model/conflict-policy.js";
