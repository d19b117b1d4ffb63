import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FaultInjector } from "./faults.js";
import { SlidingWindowLimiter } from "./rate-limiter.js";

describe("fault injection", () => {
  test("a counted rule hits the next N matching requests, then expires", () => {
    const faults = new FaultInjector(1);
    faults.inject({ kind: "status", status: 503, count: 2, method: "GET", pathIncludes: "/v2/customers" });
    assert.equal(faults.match("POST", "/v2/Customers"), undefined, "method filter");
    assert.equal(faults.match("GET", "/v2/Products"), undefined, "path filter");
    assert.equal(faults.match("GET", "/v2/Customers")?.status, 503);
    assert.equal(faults.match("GET", "/v2/Customers/5")?.status, 503);
    assert.equal(faults.match("GET", "/v2/Customers"), undefined);
    assert.deepEqual(faults.list(), []);
  });

  test("a rate applies to about that share of requests, the same way for the same seed", () => {
    const hits = (seed: number) => {
      const faults = new FaultInjector(seed);
      faults.inject({ kind: "drop", rate: 0.2 });
      return Array.from({ length: 1000 }, () => faults.match("GET", "/v2/Customers") !== undefined);
    };
    const share = hits(4).filter(Boolean).length / 1000;
    assert.ok(share > 0.15 && share < 0.25, `share ${share}`);
    assert.deepEqual(hits(4), hits(4));
  });

  test("bad rules are refused; rules can be removed one by one", () => {
    const faults = new FaultInjector(1);
    assert.throws(() => faults.inject({ kind: "status", rate: 1.5 }), RangeError);
    assert.throws(() => faults.inject({ kind: "status", count: 0 }), RangeError);
    const id = faults.inject({ kind: "timeout" });
    assert.equal(faults.list().length, 1);
    assert.equal(faults.remove(id), true);
    assert.equal(faults.match("GET", "/v2/x"), undefined);
  });
});

describe("sandbox rate limit", () => {
  test("at most N requests in any one-second window per key", () => {
    const limiter = new SlidingWindowLimiter(2);
    assert.deepEqual(
      [0, 100, 200].map((t) => limiter.tryPass("k", t)),
      [true, true, false],
    );
    assert.equal(limiter.tryPass("other", 200), true, "per key");
    assert.equal(limiter.tryPass("k", 1000), true, "the first request left the window");
    assert.equal(limiter.tryPass("k", 1050), false);
    limiter.requestsPerSecond = 0;
    assert.equal(limiter.tryPass("k", 1050), true, "0 = off");
  });
});
