import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AccountBudget } from "../rate-budget/index.js";
import { ManualClock } from "../rate-budget/test-support/manual-clock.js";
import { powerOfficeBudgetKey, powerOfficeBudgetLimits } from "./rate-budget.js";

describe("PowerOffice rate budget", () => {
  test("starts are spaced (1000 ms + 50 ms margin) / rps apart, never more than rps in a window, and a pause holds them", async () => {
    const clock = new ManualClock();
    const budget = new AccountBudget({ key: "poweroffice:test", limits: powerOfficeBudgetLimits(4), clock });
    const began = clock.now();
    const starts: number[] = [];
    const pending = Array.from({ length: 9 }, () => budget.acquire().then(() => starts.push(clock.now() - began)));
    await clock.advance(3_000);
    await Promise.all(pending);
    assert.deepEqual(starts.map(Math.round), [0, 263, 525, 788, 1050, 1313, 1575, 1838, 2100]);
    for (let i = 4; i < starts.length; i += 1) assert.ok(starts[i]! - starts[i - 4]! >= 1050, `window before start ${i}`);

    await clock.advance(5_000);
    budget.pause(500);
    const paused = budget.acquire();
    await clock.advance(500);
    assert.equal((await paused).waitedMs, 500);
  });

  test("below 1 request per second: one per 1/rps seconds; 0 turns the budget off", () => {
    assert.deepEqual(powerOfficeBudgetLimits(0.5), { requestsPerWindow: 0, windowMs: 2_050, minIntervalMs: 2_050, maxConcurrency: 0 });
    assert.deepEqual(powerOfficeBudgetLimits(0), { requestsPerWindow: 0, windowMs: 1_050, minIntervalMs: 0, maxConcurrency: 0 });
  });

  test("the budget belongs to the subscription key on one API, named without the key", () => {
    const key = powerOfficeBudgetKey("https://goapi.poweroffice.net/v2/", "secret-subscription-key");
    assert.match(key, /^poweroffice:https:\/\/goapi\.poweroffice\.net\/v2:sha256:[0-9a-f]{16}$/);
    assert.ok(!key.includes("secret"));
    assert.notEqual(powerOfficeBudgetKey("https://goapi.poweroffice.net/v2", "another key"), key);
    assert.equal(powerOfficeBudgetKey("https://goapi.poweroffice.net/v2", "secret-subscription-key"), key);
  });
});
