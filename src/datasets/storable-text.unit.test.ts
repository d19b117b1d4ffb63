import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { describeDataIssues, storableColumn, storableValue, unstorableText } from "./storable-text.js";

describe("text the database cannot store", () => {
  test("NUL and half a surrogate pair are found, with where they are; a whole pair and controls are text", () => {
    assert.equal(unstorableText("Nul\u0000Name"), "contains a NUL character (U+0000) at position 4");
    assert.equal(unstorableText("Par\ud800"), "contains half of a UTF-16 surrogate pair (U+D800) at position 4, which is not a character");
    assert.equal(unstorableText("\udc00x"), "contains half of a UTF-16 surrogate pair (U+DC00) at position 1, which is not a character");
    assert.equal(unstorableText("smile \ud83d\ude00"), null);
    assert.equal(unstorableText("bell\u0007"), null, "the database holds other controls; the flows refuse them");
  });

  test("a storable copy replaces only what is needed, keeps everything else as it was, and lists the issues", () => {
    const original = {
      Id: 7,
      FirstName: "Nul\u0000Name",
      Lines: [{ Description: "ok" }, { Description: "half\udfff" }],
      ["key\u0000"]: 1,
      Fine: "fine",
    };
    const { value, issues } = storableValue(original);
    assert.deepEqual(value, {
      Id: 7,
      FirstName: "Nul\u2400Name",
      Lines: [{ Description: "ok" }, { Description: "half\ufffd" }],
      ["key\u2400"]: 1,
      Fine: "fine",
    });
    assert.deepEqual(issues, [
      { path: "FirstName", problem: "contains a NUL character (U+0000) at position 4" },
      { path: "Lines[1].Description", problem: "contains half of a UTF-16 surrogate pair (U+DFFF) at position 5, which is not a character" },
      { path: "key\u2400 (key)", problem: "its property name contains a NUL character (U+0000) at position 4" },
    ]);
    assert.equal(original.FirstName, "Nul\u0000Name", "the original is not changed");
    const clean = { a: [1, { b: "c" }] };
    assert.equal(storableValue(clean).value, clean, "nothing to replace: the same object, no copy");
    assert.match(JSON.stringify(original), /\\u0000/, "the exact original is plain ASCII as JSON text, storable in a text column");
  });

  test("search columns are made storable and bounded; issues read as one sentence", () => {
    assert.equal(storableColumn("a\u0000b", 10), "a\u2400b");
    assert.equal(storableColumn("x".repeat(5000), 1000)!.length, 1000);
    assert.equal(storableColumn(null, 10), null);
    const issues = Array.from({ length: 5 }, (_, n) => ({ path: `F${n}`, problem: "contains a NUL character (U+0000) at position 1" }));
    assert.equal(describeDataIssues(issues.slice(0, 1)), "F0 contains a NUL character (U+0000) at position 1");
    assert.match(describeDataIssues(issues), /F2 contains .* \(and 2 more\)$/);
  });
});
