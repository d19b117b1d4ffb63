import "reflect-metadata";
import { Field, GraphQLISODateTime, ID, ObjectType } from "type-graphql";
import type { UnmatchedRecordRow } from "../../../src/sync/tables/record-state.js";
import { SourceSystem } from "./enums.js";

@ObjectType({
  description:
    "A record a linking flow (F5, F6) found nothing to link to: no Chargebee business entity has its name. Rename one side to match, " +
    "or link the two with the link mutation; the record stays unlinked until then and stops nothing else.",
})
export class UnmatchedRecord {
  @Field(() => String) flow!: string;
  @Field(() => SourceSystem) system!: SourceSystem;
  @Field(() => String, { description: "The API's type name." }) type!: string;
  @Field(() => ID) sourceId!: string;
  @Field(() => String, { description: "What was looked for and what to do." }) reason!: string;
  @Field(() => GraphQLISODateTime, { description: "When the sync last tried it." }) lastTriedAt!: Date;
}

export function toUnmatchedRecord(row: UnmatchedRecordRow): UnmatchedRecord {
  return {
    flow: row.flow,
    system: row.system as SourceSystem,
    type: row.entity,
    sourceId: row.source_id,
    reason: row.reason ?? "no record of the same name to link to",
    lastTriedAt: new Date(row.updated_at),
  };
}
