import { test } from "node:test";
import assert from "node:assert/strict";
import { parseConflictPolicy } from "../../config/conflict-policy.js";
import { FLOWS } from "../flows/index.js";
import { conflictPolicyOf, conflictPolicyProblems } from "./conflict-policy.js";

const rules = (raw: string) => parseConflictPolicy(raw).rules;

test("a field's policy: flow.field, then flow.*, then field, then *, then newest", () => {
  const all = rules("F1.email=chargebee,F1.*=poweroffice,email=manual,*=chargebee");
  assert.equal(conflictPolicyOf(all, "F1", "email"), "chargebee");
  assert.equal(conflictPolicyOf(all, "F1", "lastName"), "poweroffice");
  assert.equal(conflictPolicyOf(all, "F2", "email"), "manual");
  assert.equal(conflictPolicyOf(all, "F2", "lastName"), "chargebee");
  assert.equal(conflictPolicyOf([], "F2", "lastName"), "newest");
});

test("rules naming a flow or field the sync does not have are refused with what they could name", () => {
  const flows = Object.values(FLOWS);
  assert.deepEqual(conflictPolicyProblems(rules("email=manual,F4.company=chargebee,F2.*=poweroffice,*=newest"), flows), []);
  assert.deepEqual(conflictPolicyProblems(rules("F8.currencyCode=manual,F1.company=manual,phone=manual,F99.*=manual"), flows), [
    "SYNC_CONFLICT_POLICY: F8.currencyCode=manual names F8, which is not a two-way flow with fields (those are: F1, F2, F3, F4, F5, F6, F7)",
    "SYNC_CONFLICT_POLICY: F1.company=manual names the field company, which F1 does not have (its fields: email, firstName, lastName)",
    "SYNC_CONFLICT_POLICY: phone=manual names the field phone, which no two-way flow has (fields: email, firstName, lastName, address, company, name)",
    "SYNC_CONFLICT_POLICY: F99.*=manual names F99, which is not a two-way flow with fields (those are: F1, F2, F3, F4, F5, F6, F7)",
  ]);
});
