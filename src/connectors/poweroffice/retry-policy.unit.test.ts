import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { readProblemDetails } from "./errors.js";
import { isRetryableStatus, retryDelayMs, serverRetryHintMs } from "./retry-policy.js";

describe("retry policy", () => {
  const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };

  test("backoff grows exponentially, is capped, and jitters within [0, ceiling)", () => {
    assert.equal(
      retryDelayMs(policy, 1, undefined, () => 0.999),
      99,
    );
    assert.equal(
      retryDelayMs(policy, 2, undefined, () => 0.999),
      199,
    );
    assert.equal(
      retryDelayMs(policy, 4, undefined, () => 0.999),
      799,
    );
    assert.equal(
      retryDelayMs(policy, 9, undefined, () => 0.999),
      999,
    );
    assert.equal(
      retryDelayMs(policy, 3, undefined, () => 0),
      0,
    );
  });

  test("a server hint is a floor under the jittered delay", () => {
    assert.equal(
      retryDelayMs(policy, 1, 2000, () => 0.5),
      2000,
    );
    assert.equal(
      retryDelayMs(policy, 4, 100, () => 0.5),
      400,
    );
  });

  test("Retry-After in seconds or as a date, and the gateway's 'Try again in N seconds'", () => {
    assert.equal(serverRetryHintMs("3", undefined), 3000);
    assert.equal(serverRetryHintMs("0.5", undefined), 500);
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(serverRetryHintMs("Thu, 01 Jan 2026 00:00:05 GMT", undefined, now), 5000);
    assert.equal(serverRetryHintMs(null, "Rate limit is exceeded. Try again in 2 seconds."), 2000);
    assert.equal(serverRetryHintMs(null, "something else"), undefined);
  });

  test("only 429 and 5xx gateway/server errors are retryable", () => {
    assert.deepEqual([400, 401, 403, 404, 409, 429, 500, 502, 503, 504, 501].map(isRetryableStatus), [
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  test("ProblemDetails are read in either casing, and OAuth / gateway bodies too", () => {
    assert.deepEqual(readProblemDetails({ Title: "T", Detail: "D", Status: 400 }), {
      title: "T",
      detail: "D",
      type: undefined,
      instance: undefined,
      status: 400,
    });
    assert.equal(readProblemDetails({ title: "t", detail: "d" }).detail, "d");
    assert.equal(readProblemDetails({ error: "invalid_client", error_description: "nope" }).title, "invalid_client");
    assert.equal(readProblemDetails({ statusCode: "429", message: "Try again in 1 seconds." }).status, 429);
    assert.deepEqual(readProblemDetails("text"), {});
  });
});
