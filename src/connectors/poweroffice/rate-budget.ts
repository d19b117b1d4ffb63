import { budgetAccountKey, type BudgetLimits, type BudgetRate } from "../rate-budget/index.js";

/**
 * Requests reach the API gateway a little later than booked, and not all equally late: a window is this much longer
 * than PowerOffice's second. A start whose timer fires more than MAX_LATE_START_MS late is booked again, so what is
 * left of the margin covers the way from our socket to the gateway's count (loopback to a sandbox under load showed
 * up to about 15 ms; a real network more).
 */
const JITTER_MARGIN_MS = 100;
const MAX_LATE_START_MS = 30;

/**
 * POWEROFFICE_REQUESTS_PER_SECOND as the budget keeps it: starts spaced evenly, (a second plus the margin) / rps
 * apart, so no window of that length ever holds more than rps (below 1 per second: one per 1/rps seconds, plus the
 * margin). 0 turns it off.
 */
export function powerOfficeBudgetLimits(requestsPerSecond: number): BudgetLimits {
  const off: BudgetLimits = { requestsPerWindow: 0, windowMs: 1_000 + JITTER_MARGIN_MS, minIntervalMs: 0, maxConcurrency: 0 };
  if (!(requestsPerSecond > 0)) return off;
  const perWindow = requestsPerSecond >= 1 ? Math.floor(requestsPerSecond) : 1;
  const windowMs = (requestsPerSecond >= 1 ? 1_000 : 1_000 / requestsPerSecond) + JITTER_MARGIN_MS;
  return { ...off, windowMs, minIntervalMs: windowMs / perWindow, maxLateStartMs: MAX_LATE_START_MS };
}

/** POWEROFFICE_REQUESTS_PER_SECOND as people read it: 10 a second, or one per 2 s below 1 (undefined: off). */
export function powerOfficeBudgetRate(requestsPerSecond: number): BudgetRate | undefined {
  if (!(requestsPerSecond > 0)) return undefined;
  return requestsPerSecond >= 1 ? { requests: Math.floor(requestsPerSecond), perMs: 1_000 } : { requests: 1, perMs: 1_000 / requestsPerSecond };
}

/**
 * PowerOffice limits a subscription key, across every client key that uses it: the budget is the key's on one API
 * (the sandbox, demo or production), named by a hash of the key, never the key itself.
 */
export function powerOfficeBudgetKey(apiBaseUrl: string, subscriptionKey: string): string {
  return budgetAccountKey("poweroffice", [apiBaseUrl.replace(/\/+$/, "")], subscriptionKey);
}
