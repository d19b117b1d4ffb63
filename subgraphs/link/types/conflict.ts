import "reflect-metadata";
import { Field, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import { GraphQLJSON } from "graphql-scalars";
import { ConflictPolicyName, ConflictStatus, SourceSystem, UnifiedKind } from "./enums.js";

@ObjectType({
  description:
    "A field both sides changed since they last agreed. The field's policy decided it: the sync applied the winner (NEWEST: " +
    "the newer change, then the configured priority, an empty value never wiping a filled one; or the side the policy names), " +
    "or, under MANUAL, wrote neither side and waits for resolveConflict. resolveConflict can always choose otherwise.",
})
export class Conflict {
  @Field(() => ID) id!: string;
  @Field(() => ID) unifiedId!: string;
  @Field(() => UnifiedKind, { nullable: true }) kind!: UnifiedKind | null;
  @Field(() => String) flow!: string;
  @Field(() => String) field!: string;
  @Field(() => GraphQLJSON, { nullable: true, description: "The value both sides had agreed on before." }) agreedValue!: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) powerofficeValue!: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) chargebeeValue!: unknown;
  @Field(() => GraphQLISODateTime, { nullable: true }) powerofficeChangedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) chargebeeChangedAt!: Date | null;
  @Field(() => SourceSystem, { nullable: true, description: "null: a MANUAL conflict, neither side written until resolveConflict." })
  winner!: SourceSystem | null;
  @Field(() => ConflictPolicyName, { description: "The policy that decided it (SYNC_CONFLICT_POLICY)." }) policy!: ConflictPolicyName;
  @Field(() => String, { description: "Why the winner won, or why nothing was written." }) reason!: string;
  @Field(() => ConflictStatus) status!: ConflictStatus;
  @Field(() => String, { nullable: true }) resolvedBy!: string | null;
  @Field(() => GraphQLJSON, { nullable: true }) resolvedValue!: unknown;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) resolvedAt!: Date | null;
}

export interface ConflictRow {
  id: number;
  unified_id: string;
  kind?: string | null;
  flow: string;
  field: string;
  agreed_value: unknown;
  poweroffice_value: unknown;
  chargebee_value: unknown;
  poweroffice_changed_at: Date | string | null;
  chargebee_changed_at: Date | string | null;
  winner: "poweroffice" | "chargebee" | null;
  /** Absent in rows written before the policy existed (tests insert such rows): "newest". */
  policy?: "newest" | "poweroffice" | "chargebee" | "manual";
  reason: string;
  status: "open" | "resolved";
  resolved_by: string | null;
  resolved_value: unknown;
  created_at: Date | string;
  resolved_at: Date | string | null;
}

const dateOrNull = (value: Date | string | null) => (value === null ? null : new Date(value));

export function toConflict(row: ConflictRow): Conflict {
  return {
    id: String(row.id),
    unifiedId: row.unified_id,
    kind: (row.kind ?? null) as UnifiedKind | null,
    flow: row.flow,
    field: row.field,
    agreedValue: row.agreed_value,
    powerofficeValue: row.poweroffice_value,
    chargebeeValue: row.chargebee_value,
    powerofficeChangedAt: dateOrNull(row.poweroffice_changed_at),
    chargebeeChangedAt: dateOrNull(row.chargebee_changed_at),
    winner: row.winner as SourceSystem | null,
    policy: (row.policy ?? "newest") as ConflictPolicyName,
    reason: row.reason,
    status: row.status as ConflictStatus,
    resolvedBy: row.resolved_by,
    resolvedValue: row.resolved_value,
    createdAt: new Date(row.created_at),
    resolvedAt: dateOrNull(row.resolved_at),
  };
}
