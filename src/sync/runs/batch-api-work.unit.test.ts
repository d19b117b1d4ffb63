import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { BudgetWaitNow } from "../../connectors/rate-budget/index.js";
import { BatchApiWork, waitSourcesOf, WAIT_WORTH_SHOWING_MS } from "./batch-api-work.js";
import type { SyncClients } from "./types.js";

const T0 = 1_800_000_000_000;
const CHARGEBEE_RATE: Omit<BudgetWaitNow, "since"> = {
  reason: "rate",
  callers: 16,
  rate: { requests: 150, perMs: 60_000 },
  requestsPerSecond: 150 / 61,
  maxConcurrency: 3,
};

/** A batch of `items` whose Chargebee budget reports `wait` (changed by the test as time goes). */
function batchWith(items: number, startedAt = T0) {
  const budget: { wait?: BudgetWaitNow } = {};
  const work = new BatchApiWork({ items, startedAt, sources: { chargebee: () => budget.wait, poweroffice: () => undefined } });
  return { work, budget };
}

describe("a batch's API work", () => {
  test("a vendor's wait is the batch's only while it has a write to that vendor in flight, and once it lasted a second", () => {
    const { work, budget } = batchWith(100);
    budget.wait = { ...CHARGEBEE_RATE, since: T0 };
    assert.deepEqual(work.sample(T0 + 5_000).waiting, [], "no write of this batch waits: another batch's wait");
    const end = work.writeStarted("chargebee");
    assert.deepEqual(work.sample(T0 + WAIT_WORTH_SHOWING_MS - 1).waiting, [], "shorter than a second: calls being paced");
    const [wait] = work.sample(T0 + 5_000).waiting;
    assert.deepEqual(wait, {
      vendor: "chargebee",
      reason: "rate",
      waitedMs: 5_000,
      callsLeft: 100,
      rate: { requests: 150, perMs: 60_000 },
      requestsPerSecond: 150 / 61,
      maxConcurrency: 3,
    });
    budget.wait = { ...CHARGEBEE_RATE, since: T0, nextStartAt: T0 + 61_000 };
    assert.equal(work.sample(T0 + 6_000).waiting[0]?.nextStartInMs, 55_000, "when the window has room again");
    end(1);
  });

  test("calls left follow the calls per item made so far; a 429 says how long its pause still runs", () => {
    const { work, budget } = batchWith(100);
    for (let n = 0; n < 40; n += 1) {
      work.writeStarted("chargebee")(2);
      work.itemDone();
    }
    work.writeStarted("chargebee");
    budget.wait = { ...CHARGEBEE_RATE, reason: "retry-after", since: T0 + 10_000, until: T0 + 40_000 };
    const sample = work.sample(T0 + 15_000);
    assert.deepEqual(
      sample.waiting.map((wait) => ({ reason: wait.reason, waitedMs: wait.waitedMs, pauseLeftMs: wait.pauseLeftMs, callsLeft: wait.callsLeft })),
      [{ reason: "retry-after", waitedMs: 5_000, pauseLeftMs: 25_000, callsLeft: 120 }],
    );
    assert.deepEqual(sample.callsPerItem, { chargebee: 2 });
  });

  test("the spans it waited: a wait from before the batch counts from its start, one in progress up to now, and finish ends it", () => {
    const { work, budget } = batchWith(10, T0 + 2_000);
    work.writeStarted("chargebee");
    budget.wait = { ...CHARGEBEE_RATE, since: T0 };
    assert.equal(work.sample(T0 + 10_000).waiting[0]?.waitedMs, 8_000);
    assert.deepEqual(work.sample(T0 + 12_000).waited, { chargebee: [[T0 + 2_000, T0 + 12_000]] });
    budget.wait = undefined;
    assert.deepEqual(work.sample(T0 + 13_000), { waiting: [], waited: { chargebee: [[T0 + 2_000, T0 + 13_000]] }, callsPerItem: {} });
    budget.wait = { ...CHARGEBEE_RATE, since: T0 + 20_000 };
    work.sample(T0 + 25_000);
    assert.deepEqual(work.finish(T0 + 30_000).waited, {
      chargebee: [
        [T0 + 2_000, T0 + 13_000],
        [T0 + 20_000, T0 + 30_000],
      ],
    });
  });

  test("an earlier attempt's spans are kept", () => {
    const work = new BatchApiWork({ items: 1, startedAt: T0, sources: {}, waitedBefore: { poweroffice: [[T0 - 9_000, T0 - 4_000]] } });
    assert.deepEqual(work.finish(T0).waited, { poweroffice: [[T0 - 9_000, T0 - 4_000]] });
  });

  test("clients without budgetWait (a test's stand-ins) report no wait", () => {
    const sources = waitSourcesOf({ poweroffice: {}, chargebee: { budgetWait: () => ({ ...CHARGEBEE_RATE, since: T0 }) } } as unknown as SyncClients);
    assert.equal(sources.poweroffice, undefined);
    assert.equal(sources.chargebee?.()?.reason, "rate");
  });
});
