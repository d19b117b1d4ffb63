import { createHash, timingSafeEqual } from "node:crypto";

/** Constant-time comparison of a presented secret with the configured one (hashing first equalises the lengths). */
export function secretMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash("sha256").update(presented, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}
