import "reflect-metadata";
import { Field, GraphQLISODateTime, ID, ObjectType } from "type-graphql";
import { GraphQLJSON } from "graphql-scalars";
import type { FieldChangeRow } from "../../../src/sync/index.js";
import { ChangeReason, SourceSystem } from "./enums.js";

@ObjectType({ description: "One line of a record's history: a field the sync saw change on a side, or wrote to one, or a record it made." })
export class FieldChange {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true, description: "The unified record it belongs to." }) unifiedId!: string | null;
  @Field(() => String, { description: "The flow that saw or wrote it." }) flow!: string;
  @Field(() => SourceSystem, { description: "The system whose record changed." }) system!: SourceSystem;
  @Field(() => String, { description: "That record's type (ContactPerson, customer, …)." }) type!: string;
  @Field(() => String, { description: "That record's id in its system." }) sourceId!: string;
  @Field(() => String, { nullable: true, description: "The unified field (email, lastName, address, …); null for a whole record made." })
  field!: string | null;
  @Field(() => GraphQLJSON, { nullable: true, description: "The value before (for DETECTED: the one both sides had agreed on)." })
  before!: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) after!: unknown;
  @Field(() => ChangeReason) why!: ChangeReason;
  @Field(() => String, { nullable: true, description: "Who: the API key's name for a mutation, null for the sync itself." }) who!: string | null;
  @Field(() => ID, { nullable: true, description: "The sync run that recorded it." }) runId!: string | null;
  @Field(() => GraphQLISODateTime) at!: Date;
}

export function toFieldChange(row: FieldChangeRow): FieldChange {
  return {
    id: String(row.id),
    unifiedId: row.unified_id,
    flow: row.flow,
    system: row.system as SourceSystem,
    type: row.entity,
    sourceId: row.source_id,
    field: row.field,
    before: row.before,
    after: row.after,
    why: row.why as ChangeReason,
    who: row.who,
    runId: row.run_id,
    at: new Date(row.created_at),
  };
}
