// What a run waits for, in words: GraphQL's descriptions and the CLI's progress line say it the same way.
import type { StageWaitView, VendorWaitView } from "./run-waits.js";
import type { BudgetRate, Vendor } from "./types.js";

export const VENDOR_NAMES: Record<Vendor, string> = { poweroffice: "PowerOffice", chargebee: "Chargebee" };

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** "150 requests/minute" ("150 requests/min" short), "10 requests/second" ("10 requests/s"), "1 request per 2 s". */
export function rateText(rate: BudgetRate, style: "long" | "short" = "long"): string {
  const requests = plural(rate.requests, "request");
  if (rate.perMs === 60_000) return `${requests}/${style === "long" ? "minute" : "min"}`;
  if (rate.perMs === 1_000) return `${requests}/${style === "long" ? "second" : "s"}`;
  return `${requests} per ${Number((rate.perMs / 1000).toFixed(1))} s`;
}

/** An estimate for people: "less than a second", "34 s", "2 min 5 s", "1 h 20 min". */
export function estimateText(seconds: number): string {
  if (seconds < 1) return "less than a second";
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${whole % 60} s`;
  return `${Math.floor(whole / 3600)} h ${Math.round((whole % 3600) / 60)} min`;
}

/** A time of day in UTC, for text read far from the reader's clock (GraphQL): "14:03:12 UTC". */
export function utcTimeText(at: Date): string {
  return `${at.toISOString().slice(11, 19)} UTC`;
}

/**
 * Why the calls wait, in a phrase: "Chargebee's budget of 150 requests/minute", "Chargebee's limit of 3 requests at
 * once", "Chargebee answered 429; retrying at 14:03:12".
 */
export function waitReasonText(wait: VendorWaitView, timeText: (at: Date) => string = utcTimeText): string {
  const vendor = VENDOR_NAMES[wait.vendor];
  switch (wait.reason) {
    case "retry-after":
      return `${vendor} answered 429; retrying at ${wait.retryAt ? timeText(wait.retryAt) : "the end of its pause"}`;
    case "rate":
      return wait.rate ? `${vendor}'s budget of ${rateText(wait.rate)}` : `${vendor}'s request budget`;
    case "concurrency":
      return `${vendor}'s limit of ${plural(wait.maxConcurrency, "request")} at once`;
  }
}

/** "Stage 3 (F8, F9) waits for stage 2 (F1, F3, F4) to finish: it needs F1, F3, F4 first" (stages counted from 1). */
export function stageWaitText(wait: StageWaitView): string {
  const needs = wait.needs.length > 0 ? `: it needs ${wait.needs.join(", ")} first` : "";
  return `Stage ${wait.stage + 1} (${wait.flows.join(", ")}) waits for stage ${wait.waitsForStage + 1} (${wait.waitsForFlows.join(", ")}) to finish${needs}`;
}
