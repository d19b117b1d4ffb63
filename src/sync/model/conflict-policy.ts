import { formatConflictRule, type ConflictPolicy, type ConflictPolicyRule } from "../../config/conflict-policy.js";

export type { ConflictPolicy, ConflictPolicyRule };

/** The policy of one flow's field: `F1.email`, then `F1.*`, then `email`, then `*`, then "newest". */
export function conflictPolicyOf(rules: readonly ConflictPolicyRule[], flow: string, field: string): ConflictPolicy {
  const find = (ruleFlow: string | null, ruleField: string) => rules.find((rule) => rule.flow === ruleFlow && rule.field === ruleField);
  return (find(flow, field) ?? find(flow, "*") ?? find(null, field) ?? find(null, "*"))?.policy ?? "newest";
}

/** What flows and fields a rule can name: two-way flows with fields (one-way flows have no conflicts). */
export interface PolicyTarget {
  id: string;
  direction: string;
  fields: readonly { key: string }[];
}

/** Rules that name no flow or field the sync has, each with what it could have named. */
export function conflictPolicyProblems(rules: readonly ConflictPolicyRule[], flows: readonly PolicyTarget[]): string[] {
  const twoWay = flows.filter((flow) => flow.direction === "two-way" && flow.fields.length > 0);
  const allFields = [...new Set(twoWay.flatMap((flow) => flow.fields.map((field) => field.key)))];
  const problems: string[] = [];
  for (const rule of rules) {
    const text = formatConflictRule(rule);
    if (rule.flow !== null) {
      const flow = twoWay.find((candidate) => candidate.id === rule.flow);
      if (!flow) {
        problems.push(
          `SYNC_CONFLICT_POLICY: ${text} names ${rule.flow}, which is not a two-way flow with fields (those are: ${twoWay.map((f) => f.id).join(", ")})`,
        );
      } else if (rule.field !== "*" && !flow.fields.some((field) => field.key === rule.field)) {
        problems.push(
          `SYNC_CONFLICT_POLICY: ${text} names the field ${rule.field}, which ${rule.flow} does not have (its fields: ${flow.fields.map((f) => f.key).join(", ")})`,
        );
      }
    } else if (rule.field !== "*" && !allFields.includes(rule.field)) {
      problems.push(`SYNC_CONFLICT_POLICY: ${text} names the field ${rule.field}, which no two-way flow has (fields: ${allFields.join(", ")})`);
    }
  }
  return problems;
}
