import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { MAX_SPANS, addSpan, callsLeftOf, coveredMs, expectedSecondsLeft, type Span } from "./wait-estimate.js";

describe("what a wait costs", () => {
  test("calls left: the undecided items at the calls per item so far, one per item before any is decided, never fewer than the writes in flight", () => {
    assert.equal(callsLeftOf({ items: 100, itemsDone: 0, callsMade: 0, inFlight: 16 }), 100, "one call per item before any is decided");
    assert.equal(callsLeftOf({ items: 100, itemsDone: 40, callsMade: 80, inFlight: 16 }), 120, "60 items at 2 calls each");
    assert.equal(
      callsLeftOf({ items: 100, itemsDone: 40, callsMade: 0, inFlight: 3 }),
      3,
      "items that made no call so far: the writes in flight are left",
    );
    assert.equal(callsLeftOf({ items: 10, itemsDone: 10, callsMade: 10, inFlight: 0 }), 0);
  });

  test("the expected time: calls at the budget's rate, no sooner than it has room again, plus the pause left; none without a rate", () => {
    // Chargebee at 150 a minute, kept over 61 s: 84 calls take about 34 s.
    assert.equal(Math.round(expectedSecondsLeft(84, 150 / 61)!), 34);
    assert.equal(
      expectedSecondsLeft(84, 150 / 61, { nextStartInMs: 50_000 }),
      50,
      "a full window: the 84 go in the burst once it has room, 50 s from now",
    );
    assert.equal(Math.round(expectedSecondsLeft(300, 150 / 61, { nextStartInMs: 50_000 })!), 122, "more than a window's worth: the steady rate");
    assert.equal(expectedSecondsLeft(10, 10, { pauseLeftMs: 3_000 }), 4, "one second of calls after the 3 s a 429 still pauses");
    assert.equal(expectedSecondsLeft(0, 2.5), 0);
    assert.equal(expectedSecondsLeft(84, undefined), null, "only a limit of requests at once: the vendor's answer times decide");
    assert.equal(expectedSecondsLeft(84, 0), null);
  });

  test("spans of waiting: in order, joined when closer than two seconds, kept to a bounded number", () => {
    const spans: Span[] = [];
    addSpan(spans, [1_000, 5_000]);
    addSpan(spans, [6_000, 9_000]);
    addSpan(spans, [20_000, 21_000]);
    addSpan(spans, [30_000, 30_000]);
    assert.deepEqual(spans, [
      [1_000, 9_000],
      [20_000, 21_000],
    ]);
    const many: Span[] = [];
    for (let n = 0; n < MAX_SPANS + 5; n += 1) addSpan(many, [n * 10_000 + (n === 7 ? 5_000 : 0), n * 10_000 + 1_000 + (n === 7 ? 5_000 : 0)]);
    assert.equal(many.length, MAX_SPANS);
    assert.ok(
      many.some(([from, to]) => from === 75_000 && to === 81_000),
      "the two closest spans (4 s apart, the others 9 s) were joined first",
    );
    assert.deepEqual(
      [many[0]![0], many[many.length - 1]![1]],
      [0, (MAX_SPANS + 4) * 10_000 + 1_000],
      "joining keeps the first start and the last end",
    );
  });

  test("the time covered: batches that waited side by side count once", () => {
    assert.equal(coveredMs([]), 0);
    assert.equal(
      coveredMs([
        [0, 60_000],
        [10_000, 70_000],
        [100_000, 101_000],
        [100_500, 100_800],
      ]),
      71_000,
    );
  });
});
