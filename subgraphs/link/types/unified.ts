import "reflect-metadata";
import { Field, ID, ObjectType, GraphQLISODateTime } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { unifiedReadColumns, type UnifiedReadColumns, type UnifiedRecordRow } from "../../../src/sync/tables/unified-records.js";
import { mayAsk } from "../../shared/fields-asked.js";
import { SyncState } from "./enums.js";

/** A unified record as the link subgraph reads it (src/sync/tables/unified-records.ts). */
export type UnifiedRow = UnifiedRecordRow;

/** The only fields that read the timestamps (no list a gateway query makes asks for them): two timestamps less per row. */
const TIME_FIELDS = ["createdAt", "updatedAt"];

/** What to read of each unified record for a request that asks for `fieldsAsked` (SubgraphContext.operation). */
export function unifiedReadFor(fieldsAsked: ReadonlySet<string> | null): UnifiedReadColumns {
  return { timestamps: mayAsk(fieldsAsked, TIME_FIELDS) };
}

/** The columns to select for a request that asks for `fieldsAsked`. */
export function unifiedColumns(fieldsAsked: ReadonlySet<string> | null): string[] {
  return unifiedReadColumns(unifiedReadFor(fieldsAsked));
}

/**
 * Fields every unified record has (Customer, Order, Item, BusinessEntity). A unified type wraps its row and builds a
 * field when it is asked for (getters), like the dataset record types: lists ask for a few fields of every row, and an
 * instance of its own class is what type-graphql hands field resolvers without copying it first.
 */
@ObjectType("UnifiedRecordFields", { description: "Not in the schema: fields shared by the unified types." })
export abstract class UnifiedFields {
  constructor(protected readonly row: UnifiedRow) {}

  @Field(() => ID, { description: "The unified id both sides share (a UUID)." })
  get id(): string {
    return this.row.id;
  }

  @Field(() => SyncState)
  get syncState(): SyncState {
    return this.row.sync_state as SyncState;
  }

  @Field(() => GraphQLISODateTime, { nullable: true, description: "When the sync last brought both sides into agreement." })
  get lastSyncedAt(): Date | null {
    return this.row.last_synced_at === null ? null : new Date(this.row.last_synced_at);
  }

  @Field(() => GraphQLJSONObject, { description: "Every field value both sides agreed on, by unified field name." })
  get agreed(): Record<string, unknown> {
    return this.row.agreed ?? {};
  }

  @Field(() => GraphQLISODateTime)
  get createdAt(): Date {
    return new Date(this.row.created_at!);
  }

  @Field(() => GraphQLISODateTime)
  get updatedAt(): Date {
    return new Date(this.row.updated_at!);
  }
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
