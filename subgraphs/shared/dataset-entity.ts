import "reflect-metadata";
import { Field, ID, InputType, ObjectType, GraphQLISODateTime } from "type-graphql";
import type { Knex } from "knex";
import type { DatasetRow, SystemName } from "../../src/datasets/types.js";
import type { KeysetOrder } from "./pagination.js";
import { toDate } from "./json-fields.js";
import { mayAsk } from "./fields-asked.js";

/** The dataset_records columns the record types read: the loaders and lists select only these. */
const COLUMNS = ["source_id", "parent_id", "deleted", "data"] as const;
/** Read by lastChangedAt and lastSeenAt only: parsing two timestamps per row showed in every list (bench/README.md). */
const TIME_COLUMNS = ["source_changed_at", "last_seen_at"] as const;
const TIME_FIELDS = ["lastChangedAt", "lastSeenAt"];

/** A dataset_records row as the record types read it; without the timestamps when the request asks for no field of them. */
export type DatasetRecordRow = Pick<DatasetRow, (typeof COLUMNS)[number]> & Partial<Pick<DatasetRow, (typeof TIME_COLUMNS)[number]>>;

/** The columns to select for a request that asks for `fieldsAsked` (see SubgraphContext.operation). */
export function datasetColumns(fieldsAsked: ReadonlySet<string> | null): readonly string[] {
  return mayAsk(fieldsAsked, TIME_FIELDS) ? [...COLUMNS, ...TIME_COLUMNS] : COLUMNS;
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
export const DATASET_ORDER: KeysetOrder = { keys: ["length(source_id)", "source_id"], types: ["number", "text"] };

/** SQL for a text field of the JSON data, whether the payload spelled it PascalCase or camelCase. */
export function jsonText(knex: Knex, field: string): Knex.Raw {
  const camel = field.charAt(0).toLowerCase() + field.slice(1);
  return camel === field ? knex.raw("(data->>?)", [field]) : knex.raw("coalesce(data->>?, data->>?)", [field, camel]);
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (match) => `\\${match}`);
}

/** The base query of a dataset list with the common filters applied. */
export function datasetQuery(knex: Knex, system: SystemName, entity: string, filter?: DatasetFilter | null): Knex.QueryBuilder {
  const query = knex("dataset_records").where({ system, entity });
  if (!filter?.includeDeleted) query.where("deleted", false);
  if (filter?.ids) query.whereIn("source_id", filter.ids);
  if (filter?.name) query.whereILike("name", `%${escapeLike(filter.name)}%`);
  if (filter?.changedSince) query.where("source_changed_at", ">", filter.changedSince);
  return query;
}

/** Filters on the case-folded email column. */
export function whereEmail(query: Knex.QueryBuilder, email: string | null | undefined): Knex.QueryBuilder {
  if (email) query.where("email", email.trim().toLowerCase());
  return query;
}

export function whereJson(knex: Knex, query: Knex.QueryBuilder, field: string, value: string | number | boolean | null | undefined) {
  if (value === null || value === undefined) return query;
  return query.where(jsonText(knex, field), "=", String(value));
}

/** Sub-entities by parent: the parent_id column the dataset writer fills, or the JSON field naming the parent. */
export function whereParent(knex: Knex, query: Knex.QueryBuilder, field: string, parentId: string | null | undefined) {
  if (parentId === null || parentId === undefined) return query;
  return query.where((inner) => inner.where("parent_id", parentId).orWhere(jsonText(knex, field), "=", parentId));
}
