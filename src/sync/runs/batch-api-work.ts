import type { BudgetWaitNow } from "../../connectors/rate-budget/index.js";
import type { WriteTracker } from "../model/types.js";
import { addSpan, callsLeftOf, type Span } from "./wait-estimate.js";
import { VENDORS, type BatchApiWaits, type BatchVendorWait, type SyncClients, type Vendor } from "./types.js";

/** A shorter wait is calls being paced, not worth telling anyone about. */
export const WAIT_WORTH_SHOWING_MS = 1_000;

/** What each vendor's client says its callers in this process wait for (AccountBudget.currentWait). */
export type WaitSources = Partial<Record<Vendor, () => BudgetWaitNow | undefined>>;

/** The clients' budget waits; a client without budgetWait (a test's stand-in) reports none. */
export function waitSourcesOf(clients: SyncClients): WaitSources {
  const sources: WaitSources = {};
  for (const vendor of VENDORS) {
    const client = clients[vendor] as Partial<{ budgetWait(): BudgetWaitNow | undefined }> | undefined;
    if (typeof client?.budgetWait === "function") sources[vendor] = () => client.budgetWait?.();
  }
  return sources;
}

/**
 * One batch's API work as it goes: its writes in flight and the calls they made per vendor, its items decided, and,
 * when sampled, what its calls wait for. The clients (and their budgets) are shared by every batch of the process,
 * so a vendor's wait is this batch's while it has a write to that vendor in flight. In memory only: the engine
 * calls it inside its transactions; batch-wait-reporter.ts writes the samples.
 */
export class BatchApiWork implements WriteTracker {
  private itemsDone = 0;
  private readonly inFlight: Record<Vendor, number> = { poweroffice: 0, chargebee: 0 };
  private readonly callsMade: Record<Vendor, number> = { poweroffice: 0, chargebee: 0 };
  /** Per vendor: since when the wait being shown has lasted. */
  private readonly waitingSince: Partial<Record<Vendor, number>> = {};
  private readonly spans: Partial<Record<Vendor, Span[]>>;

  constructor(
    private readonly options: {
      items: number;
      sources: WaitSources;
      /** When the batch started: a wait that began before it is counted from then. */
      startedAt: number;
      /** Spans an earlier attempt of this batch recorded. */
      waitedBefore?: BatchApiWaits["waited"];
    },
  ) {
    this.spans = Object.fromEntries(
      Object.entries(options.waitedBefore ?? {}).map(([vendor, spans]) => [vendor, spans.map(([from, to]) => [from, to])]),
    );
  }

  writeStarted(system: Vendor): (apiCalls: number) => void {
    this.inFlight[system] += 1;
    let ended = false;
    return (apiCalls) => {
      if (ended) return;
      ended = true;
      this.inFlight[system] -= 1;
      this.callsMade[system] += apiCalls;
    };
  }

  itemDone(): void {
    this.itemsDone += 1;
  }

  /** What the batch's calls wait for at `now`, and the spans waited so far (a wait in progress up to `now`). */
  sample(now: number): BatchApiWaits {
    const waiting: BatchVendorWait[] = [];
    for (const vendor of VENDORS) {
      const wait = this.inFlight[vendor] > 0 ? this.options.sources[vendor]?.() : undefined;
      const since = wait ? Math.max(wait.since, this.options.startedAt) : Number.POSITIVE_INFINITY;
      if (wait && now - since >= WAIT_WORTH_SHOWING_MS) {
        const shownSince = (this.waitingSince[vendor] ??= since);
        waiting.push(this.describe(vendor, wait, now - shownSince, now));
      } else {
        this.endWait(vendor, now);
      }
    }
    return { waiting, waited: this.waitedUpTo(now), callsPerItem: this.callsPerItem() };
  }

  /** The batch is over: any wait in progress ends at `now`. */
  finish(now: number): BatchApiWaits {
    for (const vendor of VENDORS) this.endWait(vendor, now);
    return { waiting: [], waited: this.waitedUpTo(now), callsPerItem: this.callsPerItem() };
  }

  private describe(vendor: Vendor, wait: BudgetWaitNow, waitedMs: number, now: number): BatchVendorWait {
    return {
      vendor,
      reason: wait.reason,
      waitedMs,
      ...(wait.until !== undefined ? { pauseLeftMs: Math.max(0, wait.until - now) } : {}),
      ...(wait.nextStartAt !== undefined ? { nextStartInMs: Math.max(0, wait.nextStartAt - now) } : {}),
      callsLeft: callsLeftOf({
        items: this.options.items,
        itemsDone: this.itemsDone,
        callsMade: this.callsMade[vendor],
        inFlight: this.inFlight[vendor],
      }),
      ...(wait.rate ? { rate: wait.rate } : {}),
      ...(wait.requestsPerSecond !== undefined ? { requestsPerSecond: wait.requestsPerSecond } : {}),
      maxConcurrency: wait.maxConcurrency,
    };
  }

  private endWait(vendor: Vendor, now: number): void {
    const since = this.waitingSince[vendor];
    if (since === undefined) return;
    delete this.waitingSince[vendor];
    this.spans[vendor] = addSpan(this.spans[vendor] ?? [], [since, now]);
  }

  private waitedUpTo(now: number): BatchApiWaits["waited"] {
    const waited: BatchApiWaits["waited"] = {};
    for (const vendor of VENDORS) {
      const spans = (this.spans[vendor] ?? []).map(([from, to]): Span => [from, to]);
      const since = this.waitingSince[vendor];
      if (since !== undefined) addSpan(spans, [since, now]);
      if (spans.length > 0) waited[vendor] = spans;
    }
    return waited;
  }

  private callsPerItem(): BatchApiWaits["callsPerItem"] {
    if (this.itemsDone === 0) return {};
    const perItem: BatchApiWaits["callsPerItem"] = {};
    for (const vendor of VENDORS) if (this.callsMade[vendor] > 0) perItem[vendor] = this.callsMade[vendor] / this.itemsDone;
    return perItem;
  }
}
