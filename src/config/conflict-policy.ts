/**
 * What the sync does when both sides changed a field to different values since they last agreed:
 * - newest: the newer change wins (an empty value never wipes a filled one; a tie goes to SYNC_PRIORITY);
 * - poweroffice / chargebee: that side's value wins, whenever it changed;
 * - manual: the conflict is recorded and neither side is written until resolveConflict decides.
 */
export type ConflictPolicy = "newest" | "poweroffice" | "chargebee" | "manual";

export const CONFLICT_POLICIES: readonly ConflictPolicy[] = ["newest", "poweroffice", "chargebee", "manual"];

/** One entry of SYNC_CONFLICT_POLICY: `email=manual` (every flow), `F3.lastName=chargebee`, `F1.*=poweroffice`, `*=manual`. */
export interface ConflictPolicyRule {
  /** The flow id, or null for every flow. */
  flow: string | null;
  /** The unified field key ("email", "firstName"), or "*" for every field. */
  field: string;
  policy: ConflictPolicy;
}

const ENTRY = /^(?:(F\d{1,3})\.)?([A-Za-z][A-Za-z0-9]*|\*)$/;

/** Parses SYNC_CONFLICT_POLICY ("email=manual, F3.lastName=chargebee"); problems name the entry and what is wrong. */
export function parseConflictPolicy(raw: string): { rules: ConflictPolicyRule[]; problems: string[] } {
  const rules: ConflictPolicyRule[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const entry of raw
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [target, policy, ...rest] = entry.split("=").map((part) => part.trim());
    const match = target === undefined ? null : ENTRY.exec(target);
    if (!match || policy === undefined || rest.length > 0) {
      problems.push(`SYNC_CONFLICT_POLICY: "${entry}" is not [flow.]field=policy (e.g. email=manual, F3.lastName=chargebee, *=newest)`);
      continue;
    }
    if (!(CONFLICT_POLICIES as readonly string[]).includes(policy)) {
      problems.push(`SYNC_CONFLICT_POLICY: "${entry}" names the policy "${policy}"; use one of ${CONFLICT_POLICIES.join(", ")}`);
      continue;
    }
    const key = target!;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push(`SYNC_CONFLICT_POLICY: ${key} is given twice ("${earlier}" and "${entry}"); keep one`);
      continue;
    }
    seen.set(key, entry);
    rules.push({ flow: match[1] ?? null, field: match[2]!, policy: policy as ConflictPolicy });
  }
  return { rules, problems };
}

/** The text of rules as SYNC_CONFLICT_POLICY takes them (for messages and docs). */
export function formatConflictRule(rule: ConflictPolicyRule): string {
  return `${rule.flow ? `${rule.flow}.` : ""}${rule.field}=${rule.policy}`;
}
