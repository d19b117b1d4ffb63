/** Counts of requests by endpoint (method + path template) and outcome (HTTP status or error kind). */
export interface PowerOfficeRequestStats {
  /** Every HTTP attempt, token requests and retries included. */
  totalCalls: number;
  /** e.g. { "GET /Customers": { "200": 3, "204": 1 }, "POST /OAuth/Token": { "200": 1 } } */
  byEndpoint: Record<string, Record<string, number>>;
  /** Attempts that were retries of an earlier attempt. */
  retries: number;
  /** Time spent waiting for the client-side rate budget, in milliseconds. */
  throttledMs: number;
}

export type RequestOutcome = `${number}` | "timeout" | "network";

export class RequestCounter {
  private total = 0;
  private retries = 0;
  private throttledMs = 0;
  private byEndpoint = new Map<string, Map<string, number>>();

  record(endpoint: string, outcome: RequestOutcome, isRetry: boolean): void {
    this.total += 1;
    if (isRetry) this.retries += 1;
    let outcomes = this.byEndpoint.get(endpoint);
    if (!outcomes) {
      outcomes = new Map();
      this.byEndpoint.set(endpoint, outcomes);
    }
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }

  addThrottled(ms: number): void {
    this.throttledMs += ms;
  }

  snapshot(): PowerOfficeRequestStats {
    const byEndpoint: Record<string, Record<string, number>> = {};
    for (const [endpoint, outcomes] of this.byEndpoint) byEndpoint[endpoint] = Object.fromEntries(outcomes);
    return { totalCalls: this.total, byEndpoint, retries: this.retries, throttledMs: Math.round(this.throttledMs) };
  }

  reset(): void {
    this.total = 0;
    this.retries = 0;
    this.throttledMs = 0;
    this.byEndpoint.clear();
  }
}

/** Sum of calls to the given endpoints (any outcome). */
export function countCalls(stats: PowerOfficeRequestStats, endpoints: readonly string[]): number {
  let sum = 0;
  for (const endpoint of endpoints) for (const n of Object.values(stats.byEndpoint[endpoint] ?? {})) sum += n;
  return sum;
}
