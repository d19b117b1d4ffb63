import type { BlockReason, BudgetLimits } from "./budget-state.js";

/**
 * What a budget's callers in this process wait for: the rate (starts per window), the concurrency (requests at
 * once), or a vendor's 429 (its Retry-After, sat out by every caller on the account).
 */
export type BudgetWaitReason = "rate" | "concurrency" | "retry-after";

/** A limit as the vendor states it, for people: 150 requests a minute is `{ requests: 150, perMs: 60_000 }`. */
export interface BudgetRate {
  requests: number;
  perMs: number;
}

/** The callers of one budget in this process that wait now (AccountBudget.currentWait). */
export interface BudgetWaitNow {
  reason: BudgetWaitReason;
  /** Since when the longest-waiting caller has waited (the budget's clock, epoch ms with the real one). */
  since: number;
  /** retry-after: when the vendor's pause ends (the same clock). */
  until?: number;
  /** rate: when the budget has room for the next start, as the store last said (the same clock). */
  nextStartAt?: number;
  /** Callers waiting now. */
  callers: number;
  /** The vendor's limit as it states it (absent without a rate). */
  rate?: BudgetRate;
  /** The most starts a second the budget allows, its margins included (absent without a rate). */
  requestsPerSecond?: number;
  /** Requests at once across every process (0: no limit). */
  maxConcurrency: number;
}

/** The most starts a second `limits` allow (the tighter of the window and the spacing), or undefined without a rate. */
export function requestsPerSecondOf(limits: BudgetLimits): number | undefined {
  const byWindow = limits.requestsPerWindow > 0 ? (limits.requestsPerWindow * 1000) / limits.windowMs : Number.POSITIVE_INFINITY;
  const bySpacing = limits.minIntervalMs > 0 ? 1000 / limits.minIntervalMs : Number.POSITIVE_INFINITY;
  const perSecond = Math.min(byWindow, bySpacing);
  return Number.isFinite(perSecond) ? perSecond : undefined;
}

/** The reason a wait is shown under, from what the store last said blocked this process's callers. */
export function waitReasonOf(blocked: BlockReason | undefined, limits: BudgetLimits): BudgetWaitReason {
  if (blocked === "paused") return "retry-after";
  if (blocked === "concurrency" || blocked === "queue") return "concurrency";
  if (blocked === "rate") return "rate";
  return limits.requestsPerWindow > 0 || limits.minIntervalMs > 0 ? "rate" : "concurrency";
}
