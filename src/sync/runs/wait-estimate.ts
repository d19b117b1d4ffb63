// The arithmetic behind "84 calls left, about 34 s" and "waited 2 min on Chargebee's budget": pure, so it is tested
// on its own (wait-estimate.unit.test.ts).

export type Span = [number, number];

/** Spans closer than this are one wait (a burst of calls the budget let through between two waits). */
export const SPAN_GAP_MS = 2_000;
/** A batch keeps at most this many spans per vendor; beyond it the two closest are joined. */
export const MAX_SPANS = 50;

/**
 * The calls a batch still has to make to a vendor: the items it has not decided yet at the calls per item it made so
 * far (one per item before any is decided: a planned item makes at least one write), and never fewer than the writes
 * in flight, which wait now.
 */
export function callsLeftOf(batch: { items: number; itemsDone: number; callsMade: number; inFlight: number }): number {
  const itemsLeft = Math.max(0, batch.items - batch.itemsDone);
  const perItem = batch.itemsDone > 0 ? batch.callsMade / batch.itemsDone : 1;
  return Math.max(batch.inFlight, Math.round(itemsLeft * perItem));
}

/**
 * How long `calls` take at the budget's rate: the steady rate, but no sooner than the budget has room for the next
 * start (a window's limit lets calls through in bursts: after a full window the next ones wait for room, then go at
 * once), plus the vendor's 429 pause still to run. Null without a rate (only a limit of requests at once: the time
 * then depends on how long the vendor takes to answer).
 */
export function expectedSecondsLeft(
  calls: number,
  requestsPerSecond: number | undefined,
  waits: { pauseLeftMs?: number; nextStartInMs?: number } = {},
): number | null {
  if (!requestsPerSecond || !(requestsPerSecond > 0)) return null;
  const atRate = Math.max(calls / requestsPerSecond, Math.max(0, waits.nextStartInMs ?? 0) / 1000);
  return atRate + Math.max(0, waits.pauseLeftMs ?? 0) / 1000;
}

/** Adds a span to spans in time order, joining it to the last one when they are less than SPAN_GAP_MS apart. */
export function addSpan(spans: Span[], span: Span): Span[] {
  const [from, to] = span;
  if (!(to > from)) return spans;
  const last = spans[spans.length - 1];
  if (last && from <= last[1] + SPAN_GAP_MS) last[1] = Math.max(last[1], to);
  else spans.push([from, to]);
  if (spans.length > MAX_SPANS) {
    let closest = 1;
    for (let index = 2; index < spans.length; index += 1) {
      if (spans[index]![0] - spans[index - 1]![1] < spans[closest]![0] - spans[closest - 1]![1]) closest = index;
    }
    spans[closest - 1]![1] = spans[closest]![1];
    spans.splice(closest, 1);
  }
  return spans;
}

/** The time covered by any of the spans (batches that waited side by side count once). */
export function coveredMs(spans: readonly Span[]): number {
  const sorted = spans.filter(([from, to]) => to > from).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [from, to] of sorted) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}
