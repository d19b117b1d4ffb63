import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { JsonPatchError, applyJsonPatch, replaceOperations } from "./json-patch.js";

describe("applyJsonPatch", () => {
  const doc = () => ({ Name: "A", MailAddress: { City: "Oslo", ZipCode: "0150" }, ContactGroupIds: [1, 2] as number[] });

  test("replace, add and remove at the top level and nested, leaving the input untouched", () => {
    const input = doc();
    const out = applyJsonPatch(input, [
      { op: "replace", path: "/Name", value: "B" },
      { op: "replace", path: "/MailAddress/City", value: "Bergen" },
      { op: "add", path: "/ContactGroupIds/-", value: 3 },
      { op: "add", path: "/ContactGroupIds/0", value: 0 },
      { op: "remove", path: "/MailAddress/ZipCode" },
      { op: "add", path: "/EmailAddress", value: "a@b.no" },
    ]);
    assert.deepEqual(out, { Name: "B", MailAddress: { City: "Bergen" }, ContactGroupIds: [0, 1, 2, 3], EmailAddress: "a@b.no" });
    assert.deepEqual(input, doc());
  });

  test("path segments match existing keys case-insensitively; new keys take the canonical spelling", () => {
    const out = applyJsonPatch(
      doc(),
      [
        { op: "replace", path: "/name", value: "C" },
        { op: "replace", path: "/mailAddress/city", value: "Tromsø" },
        { op: "add", path: "/emailaddress", value: "x@y.no" },
      ],
      (key) => (key.toLowerCase() === "emailaddress" ? "EmailAddress" : key),
    );
    assert.equal(out.Name, "C");
    assert.equal(out.MailAddress.City, "Tromsø");
    assert.equal((out as Record<string, unknown>).EmailAddress, "x@y.no");
  });

  test("test, copy and move", () => {
    const out = applyJsonPatch(doc(), [
      { op: "test", path: "/Name", value: "A" },
      { op: "copy", from: "/Name", path: "/LegalName" },
      { op: "move", from: "/MailAddress/City", path: "/City" },
    ]);
    assert.equal((out as Record<string, unknown>).LegalName, "A");
    assert.equal((out as Record<string, unknown>).City, "Oslo");
    assert.equal(out.MailAddress.City, undefined);
  });

  test("a failing operation reports its index and changes nothing", () => {
    const input = doc();
    for (const ops of [
      [
        { op: "replace", path: "/Name", value: "X" },
        { op: "test", path: "/Name", value: "nope" },
      ],
      [{ op: "remove", path: "/Missing" }],
      [{ op: "replace", path: "/Missing/City", value: 1 }],
      [{ op: "add", path: "/ContactGroupIds/9", value: 1 }],
      [{ op: "explode", path: "/Name" }],
      [{ op: "replace", path: "Name", value: 1 }],
      [{ op: "replace", path: "/Name" }],
    ]) {
      assert.throws(() => applyJsonPatch(input, ops), JsonPatchError);
    }
    const error = (() => {
      try {
        applyJsonPatch(input, [
          { op: "replace", path: "/Name", value: "X" },
          { op: "remove", path: "/Nope" },
        ]);
      } catch (e) {
        return e as JsonPatchError;
      }
      return undefined;
    })();
    assert.equal(error?.operationIndex, 1);
    assert.deepEqual(input, doc());
  });

  test("replaceOperations skips undefined and keeps null (which clears a field)", () => {
    type T = { A?: string | null; B?: number; C?: boolean };
    assert.deepEqual(replaceOperations<T, "A" | "B" | "C">({ A: null, B: undefined, C: false }), [
      { op: "replace", path: "/A", value: null },
      { op: "replace", path: "/C", value: false },
    ]);
  });
});
