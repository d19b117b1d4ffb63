import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { FieldSpec } from "../model/flow-definition.js";
import { propagate, type SideState } from "./propagate.js";

const fields: FieldSpec[] = [
  { key: "email", poweroffice: "EmailAddress", chargebee: "email", kind: "email" },
  { key: "firstName", poweroffice: "FirstName", chargebee: "first_name", kind: "text" },
  { key: "lastName", poweroffice: "LastName", chargebee: "last_name", kind: "text" },
];
const agreed = { email: "kari@example.no", firstName: "Kari", lastName: "Nordmann" };
const at = (iso: string) => new Date(iso);
const side = (values: Record<string, string | null>, changedAt = "2026-11-26T10:00:00Z"): SideState => ({
  values: { ...agreed, ...values },
  agreed,
  changedAt: at(changedAt),
});
const run = (po: SideState, cb: SideState, priority: "poweroffice" | "chargebee" = "poweroffice") =>
  propagate({ fields, poweroffice: po, chargebee: cb, direction: "two-way", priority });

describe("two-way propagation", () => {
  test("nothing changed, or only an echo of our write: no writes", () => {
    const result = run(side({}), side({ email: "KARI@example.no" }));
    assert.deepEqual([result.toChargebee, result.toPowerOffice, result.conflicts], [{}, {}, []]);
  });

  test("the side that changed wins", () => {
    const fromPo = run(side({ firstName: "Karianne" }), side({}));
    assert.deepEqual(fromPo.toChargebee, { firstName: "Karianne" });
    assert.deepEqual(fromPo.toPowerOffice, {});
    const fromCb = run(side({}), side({ lastName: "Hansen" }));
    assert.deepEqual(fromCb.toPowerOffice, { lastName: "Hansen" });
    assert.equal(fromCb.agreed.lastName, "Hansen");
  });

  test("both changed one field: the newer change wins and the conflict is recorded", () => {
    const result = run(side({ firstName: "Kari-PO" }, "2026-11-26T10:00:00Z"), side({ firstName: "Kari-CB" }, "2026-11-26T10:05:00Z"));
    assert.deepEqual(result.toPowerOffice, { firstName: "Kari-CB" });
    assert.equal(result.conflicts.length, 1);
    assert.equal(result.conflicts[0]!.winner, "chargebee");
    assert.equal(result.conflicts[0]!.reason, "the newer change wins");
  });

  test("a tie goes to the configured priority; an empty value never wipes a filled one", () => {
    const tie = run(side({ firstName: "A" }, "2026-11-26T10:00:00.200Z"), side({ firstName: "B" }, "2026-11-26T10:00:00Z"), "chargebee");
    assert.equal(tie.agreed.firstName, "B");
    assert.match(tie.conflicts[0]!.reason, /priority/);
    const empty = run(side({ lastName: null }, "2026-11-26T11:00:00Z"), side({ lastName: "Hansen" }, "2026-11-26T10:00:00Z"));
    assert.equal(empty.agreed.lastName, "Hansen");
    assert.deepEqual(empty.toPowerOffice, { lastName: "Hansen" });
  });

  test("different fields changed on each side merge without conflict", () => {
    const result = run(side({ firstName: "Karianne" }), side({ lastName: "Hansen" }));
    assert.deepEqual([result.toChargebee, result.toPowerOffice, result.conflicts.length], [{ firstName: "Karianne" }, { lastName: "Hansen" }, 0]);
  });

  test("a new link: filled values fill the other side's blanks, no conflict recorded", () => {
    const result = propagate({
      fields,
      poweroffice: { values: { email: "k@x.no", firstName: "Kari", lastName: null }, agreed: null, changedAt: at("2026-11-26T10:00:00Z") },
      chargebee: { values: { email: "K@x.no", firstName: null, lastName: "Nordmann" }, agreed: null, changedAt: at("2026-11-26T09:00:00Z") },
      direction: "two-way",
      priority: "poweroffice",
    });
    assert.deepEqual(result.toChargebee, { firstName: "Kari" });
    assert.deepEqual(result.toPowerOffice, { lastName: "Nordmann" });
    assert.equal(result.conflicts.length, 0);
  });

  test("one-way flows push PowerOffice values whatever changed in Chargebee", () => {
    const result = propagate({
      fields: [],
      extraKeys: ["currencyCode"],
      poweroffice: { values: { currencyCode: "NOK" }, agreed: { currencyCode: "SEK" }, changedAt: null },
      chargebee: { values: { currencyCode: "SEK" }, agreed: { currencyCode: "SEK" }, changedAt: null },
      direction: "poweroffice-to-chargebee",
      priority: "chargebee",
    });
    assert.deepEqual([result.toChargebee, result.toPowerOffice], [{ currencyCode: "NOK" }, {}]);
  });

  describe("conflict policy per field", () => {
    const newerInPowerOffice = () =>
      [side({ firstName: "Kari-PO" }, "2026-11-26T10:05:00Z"), side({ firstName: "Kari-CB" }, "2026-11-26T10:00:00Z")] as const;
    const withPolicy = (policy: "newest" | "poweroffice" | "chargebee" | "manual", po: SideState, cb: SideState) =>
      propagate({
        fields,
        poweroffice: po,
        chargebee: cb,
        direction: "two-way",
        priority: "poweroffice",
        policyOf: (key) => (key === "firstName" ? policy : "newest"),
      });

    test("chargebee: Chargebee's value wins although PowerOffice's change is newer", () => {
      const result = withPolicy("chargebee", ...newerInPowerOffice());
      assert.deepEqual([result.toPowerOffice, result.toChargebee, result.agreed.firstName], [{ firstName: "Kari-CB" }, {}, "Kari-CB"]);
      assert.deepEqual([result.conflicts[0]!.winner, result.conflicts[0]!.policy], ["chargebee", "chargebee"]);
      assert.match(result.conflicts[0]!.reason, /SYNC_CONFLICT_POLICY: Chargebee wins for firstName/);
    });

    test("poweroffice: PowerOffice's value wins although Chargebee's change is newer, even an empty one", () => {
      const result = withPolicy(
        "poweroffice",
        side({ firstName: null }, "2026-11-26T10:00:00Z"),
        side({ firstName: "Kari-CB" }, "2026-11-26T10:05:00Z"),
      );
      assert.deepEqual([result.toChargebee, result.toPowerOffice], [{ firstName: null }, {}]);
      assert.equal(result.conflicts[0]!.winner, "poweroffice");
    });

    test("manual: neither side is written, the agreed value stays, and the conflict has no winner", () => {
      const result = withPolicy("manual", ...newerInPowerOffice());
      assert.deepEqual([result.toChargebee, result.toPowerOffice, result.agreed.firstName], [{}, {}, "Kari"]);
      assert.deepEqual(
        result.conflicts.map(({ field, winner, policy, poweroffice, chargebee }) => ({ field, winner, policy, poweroffice, chargebee })),
        [{ field: "firstName", winner: null, policy: "manual", poweroffice: "Kari-PO", chargebee: "Kari-CB" }],
      );
      assert.deepEqual(result.agreedManual, []);
    });

    test("manual: a field only one side changed still travels, and says its sides agree", () => {
      const result = withPolicy("manual", side({ firstName: "Karianne" }), side({}));
      assert.deepEqual([result.toChargebee, result.conflicts.length, result.agreedManual], [{ firstName: "Karianne" }, 0, ["firstName"]]);
      const same = withPolicy("manual", side({ firstName: "Karianne" }), side({ firstName: "Karianne" }));
      assert.deepEqual([same.toChargebee, same.toPowerOffice, same.agreedManual], [{}, {}, ["firstName"]]);
    });

    test("a new link is no conflict under any policy: filled values fill blanks, differences go by the newer change", () => {
      const result = propagate({
        fields,
        poweroffice: { values: { ...agreed, firstName: "Kari-PO" }, agreed: null, changedAt: at("2026-11-26T10:05:00Z") },
        chargebee: { values: { ...agreed, firstName: "Kari-CB" }, agreed: null, changedAt: at("2026-11-26T10:00:00Z") },
        direction: "two-way",
        priority: "poweroffice",
        policyOf: () => "manual",
      });
      assert.deepEqual([result.toChargebee, result.conflicts.length], [{ firstName: "Kari-PO" }, 0]);
    });
  });
});
