import "reflect-metadata";
import { Field, ID, Int, ObjectType, GraphQLISODateTime } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { QuarantineStatus, SourceSystem } from "./enums.js";

@ObjectType({ description: "A source record the sync could not process as it is; it never blocks the others. Fix it at the source, or retry." })
export class QuarantineEntry {
  @Field(() => ID) id!: string;
  @Field(() => String) flow!: string;
  @Field(() => SourceSystem) system!: SourceSystem;
  @Field(() => String, { description: "The API's type name." }) type!: string;
  @Field(() => ID) sourceId!: string;
  @Field(() => String, { description: "What is wrong and what to do about it." }) reason!: string;
  @Field(() => GraphQLJSONObject) payload!: Record<string, unknown>;
  @Field(() => Int) attempts!: number;
  @Field(() => QuarantineStatus) status!: QuarantineStatus;
  @Field(() => GraphQLISODateTime) firstSeenAt!: Date;
  @Field(() => GraphQLISODateTime) lastSeenAt!: Date;
}

export interface QuarantineRow {
  id: number;
  flow: string;
  system: "poweroffice" | "chargebee";
  entity: string;
  source_id: string;
  reason: string;
  payload: Record<string, unknown> | null;
  attempts: number;
  status: "open" | "released" | "resolved";
  first_seen_at: Date | string;
  last_seen_at: Date | string;
}

export function toQuarantineEntry(row: QuarantineRow): QuarantineEntry {
  return {
    id: String(row.id),
    flow: row.flow,
    system: row.system as SourceSystem,
    type: row.entity,
    sourceId: row.source_id,
    reason: row.reason,
    payload: row.payload ?? {},
    attempts: row.attempts,
    status: row.status as QuarantineStatus,
    firstSeenAt: new Date(row.first_seen_at),
    lastSeenAt: new Date(row.last_seen_at),
  };
}
