export { AccountBudget, type AccountBudgetOptions, type AcquireOptions, type BudgetGrant } from "./account-budget.js";
export { budgetAccountKey } from "./account-key.js";
export { requestsPerSecondOf, type BudgetRate, type BudgetWaitNow, type BudgetWaitReason } from "./budget-wait.js";
export { DEFAULT_TIMINGS, decide, emptyBudgetState, type BudgetLimits, type BudgetState, type BudgetTimings } from "./budget-state.js";
export { realClock, type BudgetClock } from "./clock.js";
export { BudgetPausedError, BudgetWaitError } from "./errors.js";
export {
  createPostgresBudgetStateStore,
  PostgresBudgetStateStore,
  sqlRunnerFromKnex,
  sqlRunnerFromPool,
  type SqlRunner,
} from "./postgres-state-store.js";
export { MemoryBudgetStateStore, type BudgetStateStore } from "./state-store.js";
