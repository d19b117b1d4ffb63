import { createHash } from "node:crypto";

/** JSON with object keys sorted, so the same content always gives the same text whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === "object" && !Array.isArray(inner)) {
      return Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return inner;
  });
}

export function contentHash(data: unknown, deleted = false): string {
  return createHash("sha256").update(canonicalJson(data)).update(deleted ? "\u0000deleted" : "").digest("base64url");
}
