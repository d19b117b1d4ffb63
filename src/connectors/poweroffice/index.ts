/** Public API of the PowerOffice Go connector. */
export {
  PowerOfficeClient,
  createPowerOfficeClient,
  powerOfficeKeyOf,
  type PowerOfficeClientOptions,
  type PatchOperation,
  type SalesOrderLinePatchOperation,
  type CreateParentArgs,
  type FetchLike,
} from "./client.js";
export { POWEROFFICE_SANDBOX_DEMO_KEYS, type PowerOfficeKeys } from "./demo-keys.js";
export { PowerOfficeApiError, PowerOfficeAuthError, PowerOfficeNetworkError, PowerOfficeConfigError, readProblemDetails } from "./errors.js";
export { replaceOperations, applyJsonPatch, JsonPatchError, type JsonPatchOperation, type RawJsonPatchOperation } from "./json-patch.js";
export { countCalls, type PowerOfficeRequestStats } from "./request-stats.js";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-policy.js";
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type ListOptions, type ListFilters, type ListOptionsOf } from "./resources.js";
export * from "./types.js";
export { POWEROFFICE_RESOURCE_REGISTRY, POWEROFFICE_SALES_ORDER_LINE_ENTITY, type PowerOfficeResource } from "./resource-registry.js";
