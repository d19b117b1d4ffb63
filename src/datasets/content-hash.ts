import crypto from "node:crypto";

/** V8 lists array-index keys ("0", "17") first, in numeric order, whatever order they were added in. */
function isArrayIndex(key: string): boolean {
  const code = key.charCodeAt(0);
  if (code < 48 || code > 57) return false;
  return /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 4_294_967_295;
}

/** Characters JSON.stringify escapes (quote, backslash, controls, surrogates); other strings are quoted as they are. */
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(text: string): string {
  return NEEDS_ESCAPING.test(text) ? JSON.stringify(text) : `"${text}"`;
}

function serialize(value: unknown, key: string, inArray: boolean): string | undefined {
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  switch (typeof value) {
    case "string":
      return quote(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return JSON.stringify(value); // throws, as JSON.stringify does
    case "undefined":
    case "function":
    case "symbol":
      return inArray ? "null" : undefined;
  }
  if (value === null) return "null";
  if (Array.isArray(value)) {
    let text = "[";
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) text += ",";
      text += serialize(value[index], String(index), true);
    }
    return `${text}]`;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  // Object.keys lists array-index keys first (numeric order), then the others: sort only the others.
  let indexKeys = 0;
  while (indexKeys < keys.length && isArrayIndex(keys[indexKeys]!)) indexKeys += 1;
  const named = keys.slice(indexKeys).sort();
  let text = "{";
  let first = true;
  for (const name of indexKeys === 0 ? named : [...keys.slice(0, indexKeys), ...named]) {
    const inner = serialize(object[name], name, false);
    if (inner === undefined) continue;
    text += `${first ? "" : ","}${quote(name)}:${inner}`;
    first = false;
  }
  return `${text}}`;
}

/**
 * JSON with object keys sorted, so the same content always gives the same text whatever the key order.
 *
 * Written out by hand (it runs for every record read or written) and byte for byte what
 * `JSON.stringify(value, sortingReplacer)` gives, which the stored content hashes were made with: keys sorted by
 * UTF-16 code units, except that array-index keys come first in numeric order (a rebuilt object lists them so).
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, "", false) as string;
}

/** crypto.hash (Node ≥ 20.12) hashes a string in one call, without a Hash object per record. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: "base64url") => string }).hash;

export function contentHash(data: unknown, deleted = false): string {
  const text = deleted ? `${canonicalJson(data)}\u0000deleted` : canonicalJson(data);
  if (oneShotHash) return oneShotHash("sha256", text, "base64url");
  return crypto.createHash("sha256").update(text).digest("base64url");
}
