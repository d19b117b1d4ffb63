import { budgetAccountKey, type BudgetLimits, type BudgetRate } from "../rate-budget/index.js";
import type { ChargebeeEndpoint } from "./types.js";

/**
 * Chargebee counts a site's requests per minute; the budget's window is a second longer, so the network's jitter
 * between our start and Chargebee's count cannot push a minute over the limit.
 */
export const CHARGEBEE_BUDGET_WINDOW_MS = 61_000;

/** The site's limits as the budget keeps them: CHARGEBEE_REQUESTS_PER_MINUTE starts, CHARGEBEE_MAX_CONCURRENCY at once. */
export function chargebeeBudgetLimits(config: { requestsPerMinute?: number; maxConcurrency?: number }): BudgetLimits {
  return {
    requestsPerWindow: Math.max(0, Math.floor(config.requestsPerMinute ?? 150)),
    windowMs: CHARGEBEE_BUDGET_WINDOW_MS,
    minIntervalMs: 0,
    maxConcurrency: Math.max(1, Math.floor(config.maxConcurrency ?? 3)),
  };
}

/** CHARGEBEE_REQUESTS_PER_MINUTE as people read it (undefined: no rate limit). */
export function chargebeeBudgetRate(config: { requestsPerMinute?: number }): BudgetRate | undefined {
  const perMinute = chargebeeBudgetLimits(config).requestsPerWindow;
  return perMinute > 0 ? { requests: perMinute, perMs: 60_000 } : undefined;
}

/**
 * Chargebee limits a site, whichever API key calls it: the budget is the site's. A sandbox is told apart by where it
 * listens.
 */
export function chargebeeBudgetKey(site: string, endpoint?: ChargebeeEndpoint): string {
  return budgetAccountKey("chargebee", endpoint ? [site, `${endpoint.protocol}://${endpoint.host}:${endpoint.port}`] : [site]);
}
