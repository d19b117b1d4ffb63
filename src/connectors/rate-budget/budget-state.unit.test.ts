import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decide, type BudgetAsk, type BudgetLimits, type BudgetState, type BudgetTimings } from "./budget-state.js";

const TIMINGS: BudgetTimings = { horizonMs: 1_000, leaseMs: 15_000, waitLeaseMs: 2_000 };
const PER_MINUTE: BudgetLimits = { requestsPerWindow: 10, windowMs: 61_000, minIntervalMs: 0, maxConcurrency: 0 };

/** Applies asks one after the other to one state, as the store does. */
class Ledger {
  state: BudgetState | undefined;
  readonly starts: number[] = [];
  constructor(
    readonly limits: BudgetLimits,
    readonly timings: BudgetTimings = TIMINGS,
  ) {}

  ask(now: number, ask: Partial<BudgetAsk> & { holder: string }) {
    const decision = decide(this.state, this.limits, { release: 0, starts: 0, ...ask }, now, this.timings);
    this.state = decision.state;
    this.starts.push(...decision.starts);
    return decision;
  }
}

function mostInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last += 1) {
    while (sorted[last]! - sorted[first]! >= windowMs) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe("budget state: rate", () => {
  test("a full window books the next start once the oldest starts' bucket has left the window", () => {
    const ledger = new Ledger(PER_MINUTE);
    const first = ledger.ask(1_000_000, { holder: "a", starts: 10 });
    assert.deepEqual(first.starts, Array(10).fill(1_000_000), "the whole window at once: bursts are allowed");
    const full = ledger.ask(1_000_500, { holder: "a", starts: 1 });
    assert.deepEqual(full.starts, []);
    assert.equal(full.blocked?.reason, "rate");
    // Buckets of 610 ms: the starts at 1,000,000 count until their bucket's end has left the window.
    const bucketEnd = (Math.floor(1_000_000 / 610) + 1) * 610;
    const room = bucketEnd + 61_000;
    assert.equal(full.blocked?.retryAt, room - TIMINGS.horizonMs);
    assert.deepEqual(ledger.ask(room - 500, { holder: "a", starts: 2 }).starts, [room, room], "booked ahead, within the horizon");
  });

  test("minIntervalMs spaces the starts, booking them ahead within the horizon", () => {
    const ledger = new Ledger({ requestsPerWindow: 10, windowMs: 1_050, minIntervalMs: 105, maxConcurrency: 0 });
    const decision = ledger.ask(0, { holder: "a", starts: 12 });
    assert.deepEqual(decision.starts, [0, 105, 210, 315, 420, 525, 630, 735, 840, 945]);
    assert.equal(decision.blocked?.reason, "rate");
    // The 11th start waits for the first one's bucket (11 ms) to leave the window: counting by bucket errs on the safe side.
    assert.equal(decision.blocked?.retryAt, 11 + 1_050 - 1_000);
  });

  test("any number of holders asking at random never book more than the limit in any window", () => {
    const limits: BudgetLimits = { requestsPerWindow: 25, windowMs: 10_000, minIntervalMs: 0, maxConcurrency: 0 };
    const ledger = new Ledger(limits);
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let now = 0; now < 120_000; now += Math.floor(random() * 400)) {
      ledger.ask(now, { holder: `h${Math.floor(random() * 4)}`, starts: 1 + Math.floor(random() * 6) });
    }
    assert.ok(ledger.starts.length > 250, `${ledger.starts.length} starts booked`);
    assert.ok(mostInAnyWindow(ledger.starts, limits.windowMs) <= limits.requestsPerWindow);
    assert.deepEqual(
      ledger.starts,
      [...ledger.starts].sort((a, b) => a - b),
      "booked in time order",
    );
  });
});

describe("budget state: concurrency and leases", () => {
  const limits: BudgetLimits = { requestsPerWindow: 0, windowMs: 61_000, minIntervalMs: 0, maxConcurrency: 3 };

  test("never more slots held than maxConcurrency; a release frees one", () => {
    const ledger = new Ledger(limits);
    assert.equal(ledger.ask(0, { holder: "a", starts: 2 }).starts.length, 2);
    const b = ledger.ask(1, { holder: "b", starts: 2 });
    assert.equal(b.starts.length, 1);
    assert.equal(b.blocked?.reason, "concurrency");
    assert.equal(b.blocked?.retryAt, undefined, "no one knows when a slot frees: ask again soon");
    assert.equal(ledger.ask(2, { holder: "a", release: 1 }).starts.length, 0);
    assert.equal(ledger.ask(3, { holder: "b", starts: 1 }).starts.length, 1);
    assert.deepEqual(Object.fromEntries(Object.entries(ledger.state!.holders).map(([id, entry]) => [id, entry.slots])), { a: 1, b: 2 });
  });

  test("the slots of a holder that stops renewing them lapse after leaseMs", () => {
    const ledger = new Ledger(limits);
    ledger.ask(0, { holder: "dead", starts: 3 });
    assert.equal(ledger.ask(TIMINGS.leaseMs - 1, { holder: "b", starts: 1 }).starts.length, 0);
    assert.equal(ledger.ask(TIMINGS.leaseMs, { holder: "b", starts: 3 }).starts.length, 3);
    assert.equal(ledger.state!.holders.dead, undefined);
  });

  test("each ask renews the holder's lease", () => {
    const ledger = new Ledger(limits);
    ledger.ask(0, { holder: "a", starts: 3 });
    ledger.ask(10_000, { holder: "a" });
    assert.equal(ledger.ask(20_000, { holder: "b", starts: 1 }).starts.length, 0, "a's slots still count");
  });

  test("leaving gives every slot back", () => {
    const ledger = new Ledger(limits);
    ledger.ask(0, { holder: "a", starts: 3 });
    ledger.ask(1, { holder: "a", leave: true });
    assert.equal(ledger.ask(2, { holder: "b", starts: 3 }).starts.length, 3);
  });
});

describe("budget state: fairness", () => {
  const limits: BudgetLimits = { requestsPerWindow: 0, windowMs: 61_000, minIntervalMs: 0, maxConcurrency: 3 };

  test("a slot freed by a busy holder goes to the one waiting with fewer slots, not back to the busy one", () => {
    const ledger = new Ledger(limits);
    ledger.ask(0, { holder: "busy", starts: 3 });
    assert.equal(ledger.ask(1, { holder: "starved", starts: 1 }).starts.length, 0);
    const busy = ledger.ask(2, { holder: "busy", release: 1, starts: 1 });
    assert.deepEqual(busy.starts, [], "kept for the holder with no slot");
    assert.equal(busy.blocked?.reason, "queue");
    assert.equal(ledger.ask(3, { holder: "starved", starts: 1 }).starts.length, 1);
  });

  test("among holders with as many slots, the one in line longer goes first", () => {
    const ledger = new Ledger(limits);
    ledger.ask(0, { holder: "x", starts: 3 });
    ledger.ask(1, { holder: "early", starts: 1 });
    ledger.ask(2, { holder: "late", starts: 1 });
    ledger.ask(3, { holder: "x", release: 1 });
    assert.equal(ledger.ask(4, { holder: "late", starts: 1 }).blocked?.reason, "queue");
    assert.equal(ledger.ask(5, { holder: "early", starts: 1 }).starts.length, 1);
  });

  test("a place in line lapses when its holder stops asking", () => {
    const ledger = new Ledger(limits);
    ledger.ask(0, { holder: "x", starts: 3 });
    ledger.ask(1, { holder: "gone", starts: 1 });
    ledger.ask(2, { holder: "x", release: 1 });
    assert.equal(ledger.ask(3, { holder: "other", starts: 1 }).blocked?.reason, "queue");
    assert.equal(ledger.ask(1 + TIMINGS.waitLeaseMs, { holder: "other", starts: 1 }).starts.length, 1);
  });

  test("the rate's next starts are kept for the holder in line first", () => {
    const ledger = new Ledger({ requestsPerWindow: 2, windowMs: 10_000, minIntervalMs: 0, maxConcurrency: 0 });
    ledger.ask(0, { holder: "a", starts: 2 });
    const b = ledger.ask(100, { holder: "b", starts: 1 });
    assert.equal(b.blocked?.reason, "rate");
    const retryAt = b.blocked!.retryAt!;
    assert.equal(ledger.ask(retryAt, { holder: "a", starts: 2 }).starts.length, 1, "one start within the horizon is b's");
    assert.equal(ledger.ask(retryAt + 1, { holder: "b", starts: 1 }).starts.length, 1);
  });
});

describe("budget state: pauses", () => {
  const limits: BudgetLimits = { requestsPerWindow: 150, windowMs: 61_000, minIntervalMs: 0, maxConcurrency: 3 };

  test("a 429 pause holds every holder until it ends", () => {
    const ledger = new Ledger(limits);
    ledger.ask(0, { holder: "a", pause: { ms: 30_000, reporterWaits: false } });
    const b = ledger.ask(1_000, { holder: "b", starts: 1 });
    assert.deepEqual([b.starts, b.blocked, b.pausedUntil], [[], { reason: "paused", retryAt: 30_000 }, 30_000]);
    assert.equal(ledger.ask(1_000, { holder: "a", starts: 1 }).blocked?.reason, "paused");
    assert.equal(ledger.ask(30_000, { holder: "b", starts: 1 }).starts.length, 1);
  });

  test("a reporter that waits the pause out itself is not held by it; the others are", () => {
    const ledger = new Ledger(limits);
    ledger.ask(0, { holder: "a", pause: { ms: 30_000, reporterWaits: true } });
    assert.equal(ledger.ask(30_000 - 1, { holder: "a", starts: 1 }).starts.length, 1);
    assert.equal(ledger.ask(30_000 - 1, { holder: "b", starts: 1 }).blocked?.reason, "paused");
  });

  test("a longer pause replaces a shorter one, a shorter one changes nothing", () => {
    const ledger = new Ledger(limits);
    ledger.ask(0, { holder: "a", pause: { ms: 10_000, reporterWaits: true } });
    assert.equal(ledger.ask(0, { holder: "b", pause: { ms: 20_000, reporterWaits: true } }).pausedUntil, 0, "b's own pause");
    assert.equal(ledger.ask(0, { holder: "a", starts: 1 }).pausedUntil, 20_000, "a is held by b's longer pause");
    ledger.ask(0, { holder: "c", pause: { ms: 5_000, reporterWaits: false } });
    assert.equal(ledger.ask(1, { holder: "c", starts: 1 }).pausedUntil, 20_000);
  });
});
