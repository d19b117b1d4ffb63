import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSyncArgs, UsageError } from "./sync-args.js";

test("no flags: every flow, incremental, in the order of the flows", () => {
  assert.deepEqual(parseSyncArgs([]), {
    flows: undefined,
    mode: "incremental",
    wait: false,
    inProcess: false,
    runId: undefined,
    limit: 50,
    help: false,
  });
});

test("--flow repeats or takes a comma list, any case; the flows come back in flow order without repeats", () => {
  assert.deepEqual(parseSyncArgs(["--flow", "F8", "--flow", "f1,F8"]).flows, ["F1", "F8"]);
});

test("--dry-run is the dry-run mode, and --mode takes the four modes", () => {
  assert.equal(parseSyncArgs(["--dry-run"]).mode, "dry-run");
  assert.equal(parseSyncArgs(["--mode", "dry-run", "--dry-run"]).mode, "dry-run");
  for (const mode of ["incremental", "full", "reconcile", "dry-run"]) assert.equal(parseSyncArgs(["--mode", mode]).mode, mode);
  assert.equal(parseSyncArgs(["--wait", "--in-process", "--limit", "0"]).limit, 0);
});

test("bad flags are refused with a message that says what is wrong", () => {
  const cases: Array<[string[], RegExp]> = [
    [["--flow", "F99"], /Unknown flow\(s\): F99\. Known flows: F1, F2/],
    [["--flow", ","], /--flow needs a flow id/],
    [["--mode", "sometimes"], /Unknown --mode "sometimes"\. Use one of: incremental, full, reconcile, dry-run/],
    [["--mode", "full", "--dry-run"], /--dry-run cannot be combined with --mode full/],
    [["--frobnicate"], /Unknown option '--frobnicate'/],
    [["F1"], /Unexpected argument 'F1'/],
    [["--mode"], /--mode <value>' argument missing/],
    [["--limit", "ten"], /--limit must be a whole number/],
    [["--run", "42"], /--run needs a run id/],
    [["--run", "3fff3d91-203d-4716-9ad7-f6dd1cbe122f", "--flow", "F1"], /cannot be combined/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(
      () => parseSyncArgs(argv),
      (error: unknown) => error instanceof UsageError && message.test(error.message),
      argv.join(" "),
    );
  }
});
