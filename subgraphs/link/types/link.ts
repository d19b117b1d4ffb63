import "reflect-metadata";
import { Field, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { LinkStatus, SourceSystem } from "./enums.js";

@ObjectType({ description: "One source record tied to a unified record by a flow (a row of the link table)." })
export class Link {
  @Field(() => SourceSystem) system!: SourceSystem;
  @Field(() => String, { description: "The API's type name: ContactPerson, Customer, … (PowerOffice); customer, item, … (Chargebee)." })
  type!: string;
  @Field(() => ID, { description: "The id in that system." }) sourceId!: string;
  @Field(() => String, { description: "The flow (F1–F9) that links it." }) flow!: string;
  @Field(() => LinkStatus) status!: LinkStatus;
  @Field(() => GraphQLJSONObject, { description: "The field values both sides agreed on at the last sync." }) agreed!: Record<string, unknown>;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastSyncedAt!: Date | null;
}

export interface LinkRow {
  id: number;
  unified_id: string;
  system: "poweroffice" | "chargebee";
  entity: string;
  source_id: string;
  flow: string;
  agreed: Record<string, unknown> | null;
  last_synced_at: Date | string | null;
  status: LinkStatus;
}

export function toLink(row: LinkRow): Link {
  return {
    system: row.system as SourceSystem,
    type: row.entity,
    sourceId: row.source_id,
    flow: row.flow,
    status: row.status,
    agreed: row.agreed ?? {},
    lastSyncedAt: row.last_synced_at === null ? null : new Date(row.last_synced_at),
  };
}
