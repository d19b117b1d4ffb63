import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AccountBudget, type BudgetGrant } from "./account-budget.js";
import type { BudgetLimits } from "./budget-state.js";
import type { BudgetClock } from "./clock.js";
import { BudgetPausedError, BudgetWaitError } from "./errors.js";
import { MemoryBudgetStateStore, type BudgetStateChange, type BudgetStateStore } from "./state-store.js";
import { ManualClock } from "./test-support/manual-clock.js";

/** A memory store that counts its updates. */
class CountingStore implements BudgetStateStore {
  updates = 0;
  private readonly inner: MemoryBudgetStateStore;
  constructor(clock: BudgetClock) {
    this.inner = new MemoryBudgetStateStore(clock);
  }
  update<T>(key: string, change: BudgetStateChange<T>) {
    this.updates += 1;
    return this.inner.update(key, change);
  }
}

function tracked(promise: Promise<BudgetGrant>) {
  const outcome: { grant?: BudgetGrant; error?: unknown } = {};
  promise.then((grant) => (outcome.grant = grant)).catch((error: unknown) => (outcome.error = error));
  return outcome;
}

const SLOTS_ONLY: BudgetLimits = { requestsPerWindow: 0, windowMs: 61_000, minIntervalMs: 0, maxConcurrency: 2 };

describe("account budget", () => {
  test("callers queued together are served by one exchange; a release travels with the next ask", async () => {
    const clock = new ManualClock();
    const store = new CountingStore(clock);
    const budget = new AccountBudget({ key: "k", limits: { ...SLOTS_ONLY, requestsPerWindow: 100 }, store, clock, holder: "p1" });
    const calls = Array.from({ length: 5 }, () => tracked(budget.acquire()));
    await clock.advance(0);
    assert.equal(calls.filter((call) => call.grant).length, 2);
    assert.equal(store.updates, 1, "one exchange for the queued callers");
    calls[0]!.grant!.release();
    calls[0]!.grant!.release(); // a second release changes nothing
    await clock.advance(0);
    assert.equal(calls.filter((call) => call.grant).length, 3);
    assert.equal(store.updates, 2, "the release and the next start in one exchange");
    for (const call of calls) call.grant?.release();
    await clock.advance(0);
    assert.equal(calls.filter((call) => call.grant).length, 5);
  });

  test("without a rate, a process reuses its slots for its next requests until another process waits for one", async () => {
    const clock = new ManualClock();
    const store = new CountingStore(clock);
    const one = new AccountBudget({ key: "k", limits: SLOTS_ONLY, store, clock, holder: "one" });
    const first = [tracked(one.acquire()), tracked(one.acquire())];
    await clock.advance(0);
    for (let n = 0; n < 10; n += 1) {
      const grant = first[n % 2]!.grant!;
      const next = tracked(one.acquire());
      grant.release();
      await clock.advance(1);
      assert.ok(next.grant, `request ${n} got the slot just given back`);
      first[n % 2] = next;
    }
    assert.equal(store.updates, 1, "no exchange for the reused slots");

    const two = new AccountBudget({ key: "k", limits: SLOTS_ONLY, store, clock, holder: "two" });
    const waiting = tracked(two.acquire());
    await clock.advance(300); // one's fairness check shows two in line
    const after = tracked(one.acquire());
    first[0]!.grant!.release();
    await clock.advance(200);
    assert.ok(waiting.grant, "the next slot one gave back went to two");
    assert.equal(after.grant, undefined);
  });

  test("budgets of two processes on one store never hold more slots than the limit together", async () => {
    const clock = new ManualClock();
    const store = new MemoryBudgetStateStore(clock);
    const one = new AccountBudget({ key: "k", limits: SLOTS_ONLY, store, clock, holder: "one" });
    const two = new AccountBudget({ key: "k", limits: SLOTS_ONLY, store, clock, holder: "two" });
    const a = [tracked(one.acquire()), tracked(one.acquire())];
    await clock.advance(0);
    const b = tracked(two.acquire());
    await clock.advance(500);
    assert.equal(b.grant, undefined, "both slots are one's");
    a[0]!.grant!.release();
    await clock.advance(500);
    assert.ok(b.grant, "the slot one gave back went to two, which polls for it");
  });

  test("a caller with a short patience is told at once when the window has no room for it", async () => {
    const clock = new ManualClock();
    const budget = new AccountBudget({
      key: "k",
      limits: { requestsPerWindow: 2, windowMs: 10_000, minIntervalMs: 0, maxConcurrency: 0 },
      clock,
      holder: "p",
    });
    await Promise.all([budget.acquire(), budget.acquire()]);
    const hasty = tracked(budget.acquire({ maxWaitMs: 1_000 }));
    const patient = tracked(budget.acquire());
    await clock.advance(0);
    assert.ok(hasty.error instanceof BudgetWaitError, String(hasty.error));
    assert.equal(patient.grant, undefined);
    await clock.advance(10_200);
    const served = patient.grant as BudgetGrant | undefined;
    assert.ok(served, "served once the window had room again");
    assert.ok(served.waitedMs >= 10_000, `waited ${served.waitedMs} ms`);
  });

  test("a pause holds callers that wait, answers callers that report, and spares a reporter that waits itself", async () => {
    const clock = new ManualClock();
    const store = new MemoryBudgetStateStore(clock);
    const limits: BudgetLimits = { requestsPerWindow: 150, windowMs: 61_000, minIntervalMs: 0, maxConcurrency: 3 };
    const reporter = new AccountBudget({ key: "k", limits, store, clock, holder: "reporter" });
    const other = new AccountBudget({ key: "k", limits, store, clock, holder: "other" });
    reporter.pause(5_000, { reporterWaits: true });
    await clock.advance(0);
    assert.ok(tracked(reporter.acquire({ whilePaused: "report" })), "its own callers go on");
    const reported = tracked(other.acquire({ whilePaused: "report" }));
    const waiting = tracked(other.acquire());
    await clock.advance(0);
    assert.ok(reported.error instanceof BudgetPausedError);
    assert.ok((reported.error as BudgetPausedError).remainingMs > 4_000);
    assert.equal(waiting.grant, undefined);
    await clock.advance(5_000);
    assert.ok(waiting.grant, "served when the pause ended");

    other.pause(2_000);
    const own = tracked(other.acquire());
    await clock.advance(1_000);
    assert.equal(own.grant, undefined, "a pause without reporterWaits holds the reporter's own callers too");
    await clock.advance(1_000);
    assert.ok(own.grant);
  });

  test("a process holding slots renews them; they stay its own past the lease", async () => {
    const clock = new ManualClock();
    const store = new MemoryBudgetStateStore(clock);
    const limits: BudgetLimits = { requestsPerWindow: 0, windowMs: 61_000, minIntervalMs: 0, maxConcurrency: 1 };
    const holder = new AccountBudget({ key: "k", limits, store, clock, holder: "long", timings: { leaseMs: 3_000 } });
    const slow = tracked(holder.acquire());
    await clock.advance(0);
    const other = new AccountBudget({ key: "k", limits, store, clock, holder: "other", timings: { leaseMs: 3_000 } });
    const waiting = tracked(other.acquire());
    await clock.advance(10_000);
    assert.equal(waiting.grant, undefined, "the long request's slot was renewed all along");
    slow.grant!.release();
    await clock.advance(200);
    assert.ok(waiting.grant);
  });

  test("closing gives the slots back at once", async () => {
    const clock = new ManualClock();
    const store = new MemoryBudgetStateStore(clock);
    const first = new AccountBudget({ key: "k", limits: SLOTS_ONLY, store, clock, holder: "first" });
    await Promise.all([first.acquire(), first.acquire()]);
    await first.close();
    const second = new AccountBudget({ key: "k", limits: SLOTS_ONLY, store, clock, holder: "second" });
    const grants = [tracked(second.acquire()), tracked(second.acquire())];
    await clock.advance(0);
    assert.ok(grants.every((grant) => grant.grant));
  });

  test("without limits the store is never asked; a pause still holds this process", async () => {
    const clock = new ManualClock();
    const store = new CountingStore(clock);
    const budget = new AccountBudget({
      key: "k",
      limits: { requestsPerWindow: 0, windowMs: 1_000, minIntervalMs: 0, maxConcurrency: 0 },
      store,
      clock,
    });
    await Promise.all(Array.from({ length: 100 }, () => budget.acquire()));
    budget.pause(1_000);
    const held = tracked(budget.acquire());
    await clock.advance(999);
    assert.equal(held.grant, undefined);
    await clock.advance(1);
    assert.ok(held.grant);
    assert.equal(store.updates, 0);
  });

  test("a store that fails rejects the waiting callers, and the release is reported once it answers again", async () => {
    const clock = new ManualClock();
    const inner = new MemoryBudgetStateStore(clock);
    let failing = false;
    const store: BudgetStateStore = {
      update: (key, change) => (failing ? Promise.reject(new Error("connection refused")) : inner.update(key, change)),
    };
    const limits: BudgetLimits = { ...SLOTS_ONLY, requestsPerWindow: 100, maxConcurrency: 1 };
    const budget = new AccountBudget({ key: "k", limits, store, clock, holder: "p" });
    const first = await budget.acquire();
    failing = true;
    first.release();
    const refused = tracked(budget.acquire());
    await clock.advance(0);
    assert.match(String(refused.error), /could not be reached: connection refused/);
    failing = false;
    await clock.advance(1_000);
    const other = new AccountBudget({ key: "k", limits, store, clock, holder: "q" });
    const served = tracked(other.acquire());
    await clock.advance(0);
    assert.ok(served.grant, "the slot given back while the store failed was reported later");
  });
});

describe("account budget: what its callers wait for", () => {
  const RATE: BudgetLimits = { requestsPerWindow: 2, windowMs: 10_000, minIntervalMs: 0, maxConcurrency: 0 };

  test("nothing while every caller starts at once", async () => {
    const clock = new ManualClock();
    const budget = new AccountBudget({ key: "k", limits: RATE, clock, holder: "p" });
    await Promise.all([budget.acquire(), budget.acquire()]);
    assert.equal(budget.currentWait(), undefined);
  });

  test("the rate: since when the longest-waiting caller waits, when the window has room again, the limit as stated and as starts a second", async () => {
    const clock = new ManualClock();
    const budget = new AccountBudget({ key: "k", limits: RATE, clock, holder: "p", rate: { requests: 2, perMs: 10_000 } });
    await Promise.all([budget.acquire(), budget.acquire()]);
    const askedAt = clock.now();
    const third = tracked(budget.acquire());
    await clock.advance(3_000);
    const fourth = tracked(budget.acquire());
    await clock.advance(0);
    assert.deepEqual(budget.currentWait(), {
      reason: "rate",
      since: askedAt,
      // The window has room again once the bucket of the first two starts (100 ms) has left it.
      nextStartAt: askedAt + 10_100,
      callers: 2,
      rate: { requests: 2, perMs: 10_000 },
      requestsPerSecond: 0.2,
      maxConcurrency: 0,
    });
    await clock.advance(7_200);
    assert.ok(third.grant && fourth.grant);
    assert.equal(budget.currentWait(), undefined, "both started once the window had room again");
  });

  test("the concurrency: callers wait for a slot", async () => {
    const clock = new ManualClock();
    const budget = new AccountBudget({ key: "k", limits: SLOTS_ONLY, clock, holder: "p" });
    const [first] = await Promise.all([budget.acquire(), budget.acquire()]);
    const third = tracked(budget.acquire());
    await clock.advance(500);
    assert.equal(budget.currentWait()?.reason, "concurrency");
    assert.equal(budget.currentWait()?.maxConcurrency, 2);
    assert.equal(budget.currentWait()?.requestsPerSecond, undefined, "no rate without a rate limit");
    first.release();
    await clock.advance(100);
    assert.ok(third.grant);
    assert.equal(budget.currentWait(), undefined);
  });

  test("a 429: a caller sitting out its Retry-After, and callers held by a pause, say until when", async () => {
    const clock = new ManualClock();
    const budget = new AccountBudget({ key: "k", limits: RATE, clock, holder: "p" });
    const startedAt = clock.now();
    const sitting = budget.sitOut(4_000, () => new Promise<void>((resolve) => clock.schedule(resolve, 4_000)));
    await clock.advance(1_000);
    assert.deepEqual(
      { reason: budget.currentWait()?.reason, since: budget.currentWait()?.since, until: budget.currentWait()?.until },
      { reason: "retry-after", since: startedAt, until: startedAt + 4_000 },
    );
    await clock.advance(3_000);
    await sitting;
    assert.equal(budget.currentWait(), undefined, "over when the caller's wait is");

    budget.pause(2_000);
    const held = tracked(budget.acquire());
    await clock.advance(500);
    assert.deepEqual(
      { reason: budget.currentWait()?.reason, until: budget.currentWait()?.until },
      { reason: "retry-after", until: clock.now() + 1_500 },
    );
    await clock.advance(1_600);
    assert.ok(held.grant);
    assert.equal(budget.currentWait(), undefined);
  });
});
