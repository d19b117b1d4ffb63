import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { budgetWaitedFrom, STALE_WAIT_MS, waitsOf, type StageBatchRow } from "./run-waits.js";
import type { BatchVendorWait, RunDetail } from "./types.js";

const NOW = Date.parse("2026-12-10T14:02:30Z");
const DETAIL: RunDetail = {
  phase: "processing",
  stage: 1,
  stages: [
    { flows: ["F5", "F6", "F7"], items: 20, batches: 1 },
    { flows: ["F1", "F2", "F3", "F4"], items: 300, batches: 3 },
    { flows: ["F8", "F9"], items: 10, batches: 1 },
  ],
};
const RUNNING = { status: "running", detail: DETAIL };

const CHARGEBEE: BatchVendorWait = {
  vendor: "chargebee",
  reason: "rate",
  waitedMs: 20_000,
  callsLeft: 40,
  rate: { requests: 150, perMs: 60_000 },
  requestsPerSecond: 2.5,
  maxConcurrency: 3,
};

function batch(
  row: Partial<StageBatchRow> & { label: string },
  waiting: BatchVendorWait[] = [],
  callsPerItem: Record<string, number> = {},
): StageBatchRow {
  return { run_id: "r", stage: 1, status: "running", item_count: 100, age_ms: "500", api_waits: { waiting, waited: {}, callsPerItem }, ...row };
}

describe("what a run waits for", () => {
  test("nothing unless it is processing a stage, and nothing when its batches wait for nothing", () => {
    assert.deepEqual(waitsOf({ status: "queued", detail: DETAIL }, [batch({ label: "F1" }, [CHARGEBEE])], NOW), {
      waitingOn: [],
      stageWaiting: null,
    });
    assert.deepEqual(waitsOf({ status: "running", detail: { ...DETAIL, phase: "reading" } }, [], NOW).waitingOn, []);
    assert.deepEqual(waitsOf(RUNNING, [batch({ label: "F1" }), batch({ label: "F2", status: "queued", api_waits: null, age_ms: null })], NOW), {
      waitingOn: [],
      stageWaiting: null,
    });
  });

  test("per vendor across the running batches: the calls left add up, with the not-started batches of the same flows, at the budget's rate", () => {
    const rows = [
      batch({ label: "F1" }, [CHARGEBEE], { chargebee: 1.5 }),
      batch({ label: "F1+F2", age_ms: "1000" }, [{ ...CHARGEBEE, waitedMs: 5_000, callsLeft: 44 }], { chargebee: 2 }),
      batch({ label: "F1", status: "queued", api_waits: null, age_ms: null, item_count: 20 }),
      batch({ label: "F4", status: "queued", api_waits: null, age_ms: null, item_count: 50 }),
    ];
    const { waitingOn, stageWaiting } = waitsOf(RUNNING, rows, NOW);
    assert.deepEqual(waitingOn, [
      {
        vendor: "chargebee",
        reason: "rate",
        since: new Date(NOW - 20_500),
        retryAt: null,
        callsLeft: 40 + 44 + 30,
        expectedSecondsLeft: 114 / 2.5,
        stage: 1,
        batches: 2,
        rate: { requests: 150, perMs: 60_000 },
        maxConcurrency: 3,
      },
    ]);
    assert.equal(stageWaiting, null, "the stage has batches left to start: the next stage does not wait for it yet");
  });

  test("a 429 in any batch is the reason shown, with when the calls go again; stale waits are left out", () => {
    const rows = [
      batch({ label: "F1" }, [CHARGEBEE]),
      batch({ label: "F2", age_ms: "2000" }, [{ ...CHARGEBEE, reason: "retry-after", waitedMs: 3_000, pauseLeftMs: 12_000, callsLeft: 10 }]),
      batch({ label: "F3", age_ms: String(STALE_WAIT_MS + 1) }, [{ ...CHARGEBEE, callsLeft: 999 }]),
    ];
    const [wait] = waitsOf(RUNNING, rows, NOW).waitingOn;
    assert.equal(wait?.reason, "retry-after");
    assert.deepEqual(wait?.retryAt, new Date(NOW + 10_000));
    assert.equal(wait?.callsLeft, 50, "the stale batch's calls are not counted");
    assert.equal(wait?.expectedSecondsLeft, 50 / 2.5 + 10);
  });

  test("a full window: the expected time is no sooner than the budget has room again", () => {
    const [wait] = waitsOf(RUNNING, [batch({ label: "F1", age_ms: "1000" }, [{ ...CHARGEBEE, nextStartInMs: 50_000 }])], NOW).waitingOn;
    assert.equal(wait?.expectedSecondsLeft, 49, "40 calls at 2.5 a second would take 16 s, but the next start is 49 s away");
  });

  test("without a rate there is no expected time", () => {
    const concurrencyOnly: BatchVendorWait = { vendor: "chargebee", reason: "concurrency", waitedMs: 2_000, callsLeft: 7, maxConcurrency: 3 };
    const [wait] = waitsOf(RUNNING, [batch({ label: "F1" }, [concurrencyOnly])], NOW).waitingOn;
    assert.deepEqual([wait?.reason, wait?.expectedSecondsLeft, wait?.rate], ["concurrency", null, null]);
  });

  test("the next stage waits for this one once it has no batch left to start, naming the flows it needs", () => {
    const { stageWaiting } = waitsOf(RUNNING, [batch({ label: "F1" })], NOW);
    assert.deepEqual(stageWaiting, {
      stage: 2,
      flows: ["F8", "F9"],
      waitsForStage: 1,
      waitsForFlows: ["F1", "F2", "F3", "F4"],
      needs: ["F1", "F3", "F4"],
    });
    assert.equal(
      waitsOf({ status: "running", detail: { ...DETAIL, stage: 2 } }, [batch({ label: "F8", stage: 2 })], NOW).stageWaiting,
      null,
      "the last stage",
    );
  });

  test("the total waited per vendor: batches that waited side by side count once", () => {
    assert.deepEqual(
      budgetWaitedFrom([
        { waited: { chargebee: [[0, 60_000]] } },
        { waited: { chargebee: [[30_000, 90_000]], poweroffice: [[0, 1_500]] } },
        { waited: null },
      ]),
      { poweroffice: 1_500, chargebee: 90_000 },
    );
    assert.deepEqual(budgetWaitedFrom([]), {});
  });
});
