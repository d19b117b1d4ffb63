import { test } from "node:test";
import assert from "node:assert/strict";
import { parseConflictPolicy } from "./conflict-policy.js";

test("SYNC_CONFLICT_POLICY: field, flow.field, flow.* and * entries", () => {
  assert.deepEqual(parseConflictPolicy(" email=manual, F3.lastName=chargebee,F1.*=poweroffice , *=newest "), {
    rules: [
      { flow: null, field: "email", policy: "manual" },
      { flow: "F3", field: "lastName", policy: "chargebee" },
      { flow: "F1", field: "*", policy: "poweroffice" },
      { flow: null, field: "*", policy: "newest" },
    ],
    problems: [],
  });
  assert.deepEqual(parseConflictPolicy(""), { rules: [], problems: [] });
});

test("SYNC_CONFLICT_POLICY: every bad entry is named with what to write instead", () => {
  const { rules, problems } = parseConflictPolicy(
    "email=latest,lastName,F1.email=manual=x,f1.email=manual,F2.firstName=manual,F2.firstName=chargebee",
  );
  assert.deepEqual(rules, [{ flow: "F2", field: "firstName", policy: "manual" }]);
  assert.deepEqual(problems, [
    'SYNC_CONFLICT_POLICY: "email=latest" names the policy "latest"; use one of newest, poweroffice, chargebee, manual',
    'SYNC_CONFLICT_POLICY: "lastName" is not [flow.]field=policy (e.g. email=manual, F3.lastName=chargebee, *=newest)',
    'SYNC_CONFLICT_POLICY: "F1.email=manual=x" is not [flow.]field=policy (e.g. email=manual, F3.lastName=chargebee, *=newest)',
    'SYNC_CONFLICT_POLICY: "f1.email=manual" is not [flow.]field=policy (e.g. email=manual, F3.lastName=chargebee, *=newest)',
    'SYNC_CONFLICT_POLICY: F2.firstName is given twice ("F2.firstName=manual" and "F2.firstName=chargebee"); keep one',
  ]);
});
