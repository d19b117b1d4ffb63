import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { RequestBudget } from "./request-budget.js";

describe("request budget", () => {
  test("never more than maxConcurrency in flight", async () => {
    const budget = new RequestBudget({ requestsPerMinute: 0, maxConcurrency: 2 });
    let inFlight = 0;
    let peak = 0;
    let done = 0;
    const gates: Array<() => void> = [];
    const work = Array.from({ length: 6 }, async () => {
      const release = await budget.acquire();
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise<void>((resolve) => gates.push(resolve));
      inFlight -= 1;
      done += 1;
      release();
    });
    while (done < 6) {
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(inFlight <= 2);
      gates.shift()?.();
    }
    await Promise.all(work);
    assert.equal(peak, 2);
  });

  test("the per-minute window: full after N starts, room again once the oldest start leaves it", async () => {
    let now = 1_000_000;
    const budget = new RequestBudget({ requestsPerMinute: 3, maxConcurrency: 10, windowMs: 61_000, now: () => now });
    for (let index = 0; index < 3; index += 1) (await budget.acquire())();
    assert.equal(budget.delayUntilRoom(), 61_000);
    now += 30_000;
    assert.equal(budget.delayUntilRoom(), 31_000);
    now += 31_000;
    assert.equal(budget.delayUntilRoom(), 0);
  });
});
