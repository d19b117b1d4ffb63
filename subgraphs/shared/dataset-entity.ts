import "reflect-metadata";
import { Field, ID, InputType, ObjectType, GraphQLISODateTime } from "type-graphql";
import { DATASET_ORDER_KEYS, datasetReadColumns, type DatasetReadRow, type ReadColumns } from "../../src/datasets/record-queries.js";
import type { KeysetOrder } from "./pagination.js";
import { toDate } from "./json-fields.js";
import { mayAsk } from "./fields-asked.js";

/** The only fields that read the timestamps: parsing two timestamps per row showed in every list (bench/README.md). */
const TIME_FIELDS = ["lastChangedAt", "lastSeenAt"];

/** A record as the record types read it (src/datasets/record-queries.ts); without the timestamps when the request asks for no field of them. */
export type DatasetRecordRow = DatasetReadRow;

/** What to read of each record for a request that asks for `fieldsAsked` (see SubgraphContext.operation). */
export function datasetReadFor(fieldsAsked: ReadonlySet<string> | null): ReadColumns {
  return { timestamps: mayAsk(fieldsAsked, TIME_FIELDS) };
}

/** The columns to select for a request that asks for `fieldsAsked`. */
export function datasetColumns(fieldsAsked: ReadonlySet<string> | null): readonly string[] {
  return datasetReadColumns(datasetReadFor(fieldsAsked));
}

/**
 * Fields every record read from the datasets has. A record type wraps its row and reads each field from the JSON data
 * when the field is asked for (getters): a list request asks for a few of the 15-25 fields of a type, and building
 * all of them for every row was most of a subgraph's CPU (bench/README.md). Being an instance of its class also spares type-graphql
 * from copying the record into a new instance before each field resolver.
 */
@ObjectType("DatasetEntity", { description: "Not in the schema: fields shared by dataset records." })
export abstract class DatasetEntity {
  constructor(protected readonly row: DatasetRecordRow) {}

  @Field(() => ID, { description: "The id in the source system." })
  get id(): string {
    return this.row.source_id;
  }

  @Field(() => Boolean, { description: "True when the source system deleted (or archived away) the record." })
  get deleted(): boolean {
    return this.row.deleted;
  }

  @Field(() => GraphQLISODateTime, { nullable: true, description: "When the source system last changed the record." })
  get lastChangedAt(): Date | null {
    return toDate(this.row.source_changed_at) ?? this.changedAtInData();
  }

  @Field(() => GraphQLISODateTime, { description: "When the sync last read the record from the source system." })
  get lastSeenAt(): Date {
    return toDate(this.row.last_seen_at) ?? new Date(0);
  }

  /** The change time the payload itself carries, for rows stored without source_changed_at. */
  protected changedAtInData(): Date | null {
    return null;
  }
}

/** Filters every dataset list takes. */
@InputType("DatasetFilter")
export abstract class DatasetFilter {
  @Field(() => [ID], { nullable: true, description: "Only these ids." })
  ids?: string[] | null;

  @Field(() => String, { nullable: true, description: "Part of the name, case-insensitive." })
  name?: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: "Only records the source changed after this time." })
  changedSince?: Date | null;

  @Field(() => Boolean, { nullable: true, description: "Include deleted records (default false)." })
  includeDeleted?: boolean | null;
}

/** Ids in natural order: numeric ids by value (shorter first), others alphabetically. Deterministic across runs. */
export const DATASET_ORDER: KeysetOrder = { keys: DATASET_ORDER_KEYS, types: ["number", "text"] };
