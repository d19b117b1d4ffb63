export {
  ChargebeeClient,
  createChargebeeClient,
  DEFAULT_OVERLAP_SECONDS,
  itemPriceIdFor,
  toColumns,
  toEpochSeconds,
  versionOf,
  type ChargebeeClientOptions,
} from "./client.js";
export { ChargebeeApiError, toChargebeeApiError } from "./errors.js";
export { CHARGEBEE_BUDGET_WINDOW_MS, chargebeeBudgetKey, chargebeeBudgetLimits } from "./request-budget.js";
export { chargebeeRecordFrom, CHARGEBEE_DATASET_ENTITIES, isChargebeeDatasetEntity, type ChargebeeDatasetEntity } from "./records.js";
export {
  ChargebeeWebhookRefusal,
  createChargebeeWebhookHandler,
  type ChargebeeEventSource,
  type ChargebeeWebhookHandler,
  type ChargebeeWebhookHandlerOptions,
  type ChargebeeWebhookResult,
} from "./webhook-handler.js";
export { CHARGEBEE_SANDBOX_API_KEY, CHARGEBEE_SANDBOX_HOST, CHARGEBEE_SANDBOX_SITE } from "./sandbox/constants.js";
export type * from "./types.js";
