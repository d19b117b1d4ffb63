import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { RunReport, RunWaits, SyncRunRow, VendorWaitView } from "../sync/index.js";
import { progressLine, renderSummary, vendorWaitText } from "./sync-output.js";

/** Times of day as the tests read them, whatever the machine's time zone. */
const utc = (at: Date) => at.toISOString().slice(11, 19);

const RUN: SyncRunRow = {
  id: "1a2b3c4d-0000-4000-8000-000000000001",
  requestedBy: "cli:kari",
  flows: ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9"],
  mode: "full",
  status: "running",
  counts: { seen: 300, created: 120, updated: 0, deleted: 0, unchanged: 4, conflicts: 0, quarantined: 2, apiCalls: 180, errors: 0, waiting: 0 },
  batchesTotal: 6,
  batchesDone: 4,
  detail: {
    phase: "processing",
    stage: 1,
    stages: [
      { flows: ["F5", "F6", "F7"], items: 20, batches: 1 },
      { flows: ["F1", "F2", "F3", "F4"], items: 300, batches: 3 },
      { flows: ["F8", "F9"], items: 10, batches: 2 },
    ],
  },
  error: null,
  createdAt: new Date("2026-12-10T14:00:00Z"),
  startedAt: new Date("2026-12-10T14:00:01Z"),
  finishedAt: null,
};

const RATE_WAIT: VendorWaitView = {
  vendor: "chargebee",
  reason: "rate",
  since: new Date("2026-12-10T14:02:01Z"),
  retryAt: null,
  callsLeft: 84,
  expectedSecondsLeft: 84 / (150 / 61),
  stage: 1,
  batches: 1,
  rate: { requests: 150, perMs: 60_000 },
  maxConcurrency: 3,
};

describe("npm run sync's progress line", () => {
  test("says what the run waits for: the vendor, its budget, since when, the calls left and about how long", () => {
    assert.equal(vendorWaitText(RATE_WAIT, utc), "waiting for Chargebee's budget (150 requests/min) since 14:02:01: 84 calls left, about 34 s");
    assert.equal(
      vendorWaitText({ ...RATE_WAIT, reason: "retry-after", retryAt: new Date("2026-12-10T14:03:12Z"), expectedSecondsLeft: 75.4 }, utc),
      "waiting for Chargebee since 14:02:01: it answered 429, retrying at 14:03:12; 84 calls left, about 1 min 15 s",
    );
    assert.equal(
      vendorWaitText({ ...RATE_WAIT, reason: "concurrency", rate: null, expectedSecondsLeft: null, callsLeft: 1 }, utc),
      "waiting for Chargebee's limit of 3 requests at once since 14:02:01: 1 call left",
    );
    assert.equal(
      vendorWaitText({ ...RATE_WAIT, vendor: "poweroffice", rate: { requests: 10, perMs: 1_000 }, expectedSecondsLeft: 0.4, callsLeft: 4 }, utc),
      "waiting for PowerOffice's budget (10 requests/s) since 14:02:01: 4 calls left, less than a second",
    );
  });

  test("the plain line and the terminal bar carry the wait after the stage, before the counts; nothing extra when nothing waits", () => {
    const waits: RunWaits = {
      waitingOn: [RATE_WAIT],
      stageWaiting: { stage: 2, flows: ["F8", "F9"], waitsForStage: 1, waitsForFlows: ["F1", "F2", "F3", "F4"], needs: ["F1", "F3", "F4"] },
    };
    assert.equal(
      progressLine(RUN, 125_000, undefined, waits, utc),
      "2 min 5 s: stage 2/3 (F1, F2, F3, F4), batches 4/6 · waiting for Chargebee's budget (150 requests/min) since 14:02:01: 84 calls left, about 34 s · " +
        "stage 3/3 (F8, F9) waits for this stage (needs F1, F3, F4); created 120 · updated 0 · unchanged 4 · conflicts 0 · quarantined 2 · API calls 180",
    );
    const bar = progressLine(RUN, 125_000, 24, { waitingOn: [RATE_WAIT], stageWaiting: null }, utc);
    assert.match(
      bar,
      /^\[█{16}░{8}\] {2}67% stage 2\/3 \(F1, F2, F3, F4\) · batches 4\/6 · waiting for Chargebee's budget \(150 requests\/min\) since 14:02:01: 84 calls left, about 34 s · created 120 /,
    );
    const idle = { waitingOn: [], stageWaiting: null };
    assert.equal(progressLine(RUN, 125_000, undefined, idle, utc), progressLine(RUN, 125_000));
    assert.equal(progressLine(RUN, 125_000, 24, idle, utc), progressLine(RUN, 125_000, 24));
  });

  test("the summary says how long the run waited on each vendor's budget", () => {
    const report: RunReport = {
      run: { ...RUN, status: "succeeded", finishedAt: new Date("2026-12-10T14:04:00Z") },
      rows: [],
      waited: [],
      openQuarantine: [],
      budgetWaited: { poweroffice: 1_200, chargebee: 121_000 },
    };
    const summary = renderSummary(report);
    assert.match(summary, /^- Waited 1\.2 s in total on PowerOffice's request budget \(its rate, its requests at once and any 429 pauses\)\.$/m);
    assert.match(summary, /^- Waited 2 min 1 s in total on Chargebee's request budget/m);
    assert.doesNotMatch(renderSummary({ ...report, budgetWaited: {} }), /request budget/);
  });
});
