import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AccountBudget } from "../rate-budget/index.js";
import { ManualClock } from "../rate-budget/test-support/manual-clock.js";
import { powerOfficeBudgetKey, powerOfficeBudgetLimits } from "./rate-budget.js";

describe("PowerOffice rate budget", () => {
  test("starts are spaced (1000 ms + 100 ms margin) / rps apart, never more than rps in a window, and a pause holds them", async () => {
    const clock = new ManualClock();
    const budget = new AccountBudget({ key: "poweroffice:test", limits: powerOfficeBudgetLimits(4), clock });
    const began = clock.now();
    const starts: number[] = [];
    const pending = Array.from({ length: 9 }, () => budget.acquire().then(() => starts.push(clock.now() - began)));
    await clock.advance(3_000);
    await Promise.all(pending);
    assert.deepEqual(starts.map(Math.round), [0, 275, 550, 825, 1100, 1375, 1650, 1925, 2200]);
    for (let i = 4; i < starts.length; i += 1) assert.ok(starts[i]! - starts[i - 4]! >= 1100, `window before start ${i}`);

    await clock.advance(5_000);
    budget.pause(500);
    const paused = budget.acquire();
    await clock.advance(500);
    assert.equal((await paused).waitedMs, 500);
  });

  test("below 1 request per second: one per 1/rps seconds; 0 turns the budget off", () => {
    assert.deepEqual(powerOfficeBudgetLimits(0.5), {
      requestsPerWindow: 0,
      windowMs: 2_100,
      minIntervalMs: 2_100,
      maxConcurrency: 0,
      maxLateStartMs: 30,
    });
    assert.deepEqual(powerOfficeBudgetLimits(0), { requestsPerWindow: 0, windowMs: 1_100, minIntervalMs: 0, maxConcurrency: 0 });
  });

  test("a start whose timer fires more than 30 ms late is booked again; one a little late is sent", async () => {
    const clock = new ManualClock();
    const budget = new AccountBudget({ key: "poweroffice:test", limits: powerOfficeBudgetLimits(4), clock });
    const began = clock.now();
    const starts: number[] = [];
    const pending = Array.from({ length: 3 }, () => budget.acquire().then(() => starts.push(clock.now() - began)));
    await clock.advance(0);
    assert.deepEqual(starts, [0]);
    // The second start is booked at 275 ms; the event loop stalls until 285 ms: 10 ms late, sent.
    clock.stall(285);
    await clock.advance(0);
    assert.deepEqual(starts, [0, 285]);
    // The third is booked at 550 ms; the loop stalls until 620 ms: 70 ms late, so it is booked again, at 825 ms
    // (the late booking still counts), and sent then.
    clock.stall(335);
    await clock.advance(0);
    assert.deepEqual(starts, [0, 285]);
    assert.equal(budget.lateStartCount, 1);
    await clock.advance(1_000);
    await Promise.all(pending);
    assert.deepEqual(starts.map(Math.round), [0, 285, 825]);
  });

  test("the budget belongs to the subscription key on one API, named without the key", () => {
    const key = powerOfficeBudgetKey("https://goapi.poweroffice.net/v2/", "secret-subscription-key");
    assert.match(key, /^poweroffice:https:\/\/goapi\.poweroffice\.net\/v2:sha256:[0-9a-f]{16}$/);
    assert.ok(!key.includes("secret"));
    assert.notEqual(powerOfficeBudgetKey("https://goapi.poweroffice.net/v2", "another key"), key);
    assert.equal(powerOfficeBudgetKey("https://goapi.poweroffice.net/v2", "secret-subscription-key"), key);
  });
});
