import "reflect-metadata";
import { Field, ID, InputType, ObjectType, GraphQLISODateTime } from "type-graphql";
import type { Knex } from "knex";
import type { DatasetRow, SystemName } from "../../src/datasets/types.js";
import type { KeysetOrder } from "./pagination.js";
import { toDate } from "./json-fields.js";

/** Fields every record read from the datasets has. */
@ObjectType("DatasetEntity", { description: "Not in the schema: fields shared by dataset records." })
export abstract class DatasetEntity {
  @Field(() => ID, { description: "The id in the source system." })
  id!: string;

  @Field(() => Boolean, { description: "True when the source system deleted (or archived away) the record." })
  deleted!: boolean;

  @Field(() => GraphQLISODateTime, { nullable: true, description: "When the source system last changed the record." })
  lastChangedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { description: "When the sync last read the record from the source system." })
  lastSeenAt!: Date;
}

export function datasetFields(row: DatasetRow, fallbackChangedAt: Date | null = null): DatasetEntity {
  return {
    id: row.source_id,
    deleted: row.deleted,
    lastChangedAt: toDate(row.source_changed_at) ?? fallbackChangedAt,
    lastSeenAt: toDate(row.last_seen_at) ?? new Date(0),
  };
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
