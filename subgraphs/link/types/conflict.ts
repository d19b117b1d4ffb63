import "reflect-metadata";
import { Field, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import { GraphQLJSON } from "graphql-scalars";
import { ConflictStatus, SourceSystem, UnifiedKind } from "./enums.js";

@ObjectType({
  description:
    "A field both sides changed since they last agreed. The sync applied the winner (newer change, then the configured " +
    "priority; an empty value never wipes a filled one); resolveConflict can choose otherwise.",
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
  @Field(() => SourceSystem) winner!: SourceSystem;
  @Field(() => String, { description: "Why the winner won." }) reason!: string;
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
  winner: "poweroffice" | "chargebee";
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
    winner: row.winner as SourceSystem,
    reason: row.reason,
    status: row.status as ConflictStatus,
    resolvedBy: row.resolved_by,
    resolvedValue: row.resolved_value,
    createdAt: new Date(row.created_at),
    resolvedAt: dateOrNull(row.resolved_at),
  };
}
