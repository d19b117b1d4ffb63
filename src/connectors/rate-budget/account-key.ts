import { createHash } from "node:crypto";

/**
 * The key of a vendor account's budget: the system and what identifies the account to the vendor's limit (a
 * Chargebee site, a PowerOffice subscription key on one API). Secrets go in only as a short hash, so the key can be
 * stored and logged.
 */
export function budgetAccountKey(system: string, identity: readonly string[], secret?: string): string {
  const parts = [system, ...identity];
  if (secret !== undefined) parts.push(`sha256:${createHash("sha256").update(secret).digest("hex").slice(0, 16)}`);
  return parts.join(":");
}
