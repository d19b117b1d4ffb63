import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { canonicalJson, contentHash } from "./content-hash.js";

/** The definition the stored hashes were made with: JSON.stringify with a replacer that rebuilds objects sorted. */
function referenceJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === "object" && !Array.isArray(inner)) {
      return Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return inner;
  });
}

function referenceHash(data: unknown, deleted: boolean): string {
  return createHash("sha256")
    .update(referenceJson(data))
    .update(deleted ? "\u0000deleted" : "")
    .digest("base64url");
}

/** A deterministic pseudo-random generator, so a failure can be reproduced. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function randomValue(random: () => number, depth: number): unknown {
  const keys = ["Id", "name", "b", "a", "Æble", "zeta", "_x", "10", "2", "0", "01", "-1", "4294967295", "key with space", "ünï", "\u{1F600}"];
  const pick = random();
  if (depth > 3 || pick < 0.35) {
    const scalars: unknown[] = [
      0,
      -0,
      1.5,
      -17,
      1e21,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      "",
      "tekst",
      'quote " and \\ and \n',
      "\ud800",
      true,
      false,
      null,
      undefined,
    ];
    return scalars[Math.floor(random() * scalars.length)];
  }
  if (pick < 0.55) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  if (pick < 0.6) return new Date(Math.floor(random() * 2_000_000_000_000));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(random() * 6); i > 0; i -= 1) object[keys[Math.floor(random() * keys.length)]!] = randomValue(random, depth + 1);
  return object;
}

describe("content hash", () => {
  test("the canonical JSON is byte for byte the JSON.stringify-with-sorting-replacer the stored hashes came from", () => {
    const random = generator(42);
    for (let i = 0; i < 5_000; i += 1) {
      const value = { root: randomValue(random, 0), list: [randomValue(random, 1), undefined, () => 1] };
      assert.equal(canonicalJson(value), referenceJson(value));
    }
  });

  test("array-index keys come first in numeric order, the others sorted; nested objects too", () => {
    const value = { b: 1, 10: "ten", a: { z: 1, y: [{ d: 1, c: 2 }] }, 2: "two", Z: null, skip: undefined };
    assert.equal(canonicalJson(value), '{"2":"two","10":"ten","Z":null,"a":{"y":[{"c":2,"d":1}],"z":1},"b":1}');
    assert.equal(canonicalJson(value), referenceJson(value));
  });

  test("the hash is the same whatever the key order, and a deleted record hashes differently", () => {
    const one = { Id: 7, Name: "Kari", Lines: [{ Qty: 2, Price: 10 }] };
    const other = { Lines: [{ Price: 10, Qty: 2 }], Name: "Kari", Id: 7 };
    assert.equal(contentHash(one), contentHash(other));
    assert.equal(contentHash(one), referenceHash(one, false));
    assert.equal(contentHash(one, true), referenceHash(one, true));
    assert.notEqual(contentHash(one, true), contentHash(one));
  });
});
