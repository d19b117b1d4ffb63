import "reflect-metadata";
import { Field, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { SyncState } from "./enums.js";

/** The columns of unified_records. */
export interface UnifiedRow {
  id: string;
  kind: "customer" | "order" | "item" | "business_entity";
  agreed: Record<string, unknown> | null;
  email: string | null;
  name: string | null;
  sync_state: "synced" | "pending" | "conflict" | "quarantined";
  last_synced_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

/** Fields every unified record has (Customer, Order, Item, BusinessEntity). */
@ObjectType("UnifiedRecordFields", { description: "Not in the schema: fields shared by the unified types." })
export abstract class UnifiedFields {
  @Field(() => ID, { description: "The unified id both sides share (a UUID)." }) id!: string;
  @Field(() => SyncState) syncState!: SyncState;
  @Field(() => GraphQLISODateTime, { nullable: true, description: "When the sync last brought both sides into agreement." }) lastSyncedAt!: Date | null;
  @Field(() => GraphQLJSONObject, { description: "Every field value both sides agreed on, by unified field name." }) agreed!: Record<string, unknown>;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime) updatedAt!: Date;
}

export function unifiedFields(row: UnifiedRow): UnifiedFields {
  return {
    id: row.id,
    syncState: row.sync_state as SyncState,
    lastSyncedAt: row.last_synced_at === null ? null : new Date(row.last_synced_at),
    agreed: row.agreed ?? {},
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export function agreedText(row: UnifiedRow, key: string): string | null {
  const value = row.agreed?.[key];
  if (value === null || value === undefined || value === "") return null;
  return typeof value === "string" ? value : String(value);
}

export function agreedNumber(row: UnifiedRow, key: string): number | null {
  const value = row.agreed?.[key];
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value !== "" && Number.isFinite(Number(value))) return Number(value);
  return null;
}
