import type { Knex } from "knex";
import { escapeLike } from "../db/escape-like.js";
import type { DatasetRow, SystemName } from "./types.js";

// The reads of dataset_records that a caller runs itself, as query builders: the GraphQL subgraphs run each one through
// their per-request statement counter, and refine and paginate the lists. Their SQL is what the partial expression
// indexes of migrations/20261126000900_dataset_relation_indexes.cjs were made for: keep the expressions as they are.

/** The columns the subgraphs' record types read. */
const READ_COLUMNS = ["source_id", "parent_id", "deleted", "data"] as const;
/** Read only for a record's change and last-seen times: parsing two timestamps per row showed in every list. */
const TIME_COLUMNS = ["source_changed_at", "last_seen_at"] as const;

/** A row as the reads below return it; without the timestamps unless asked for. */
export type DatasetReadRow = Pick<DatasetRow, (typeof READ_COLUMNS)[number]> & Partial<Pick<DatasetRow, (typeof TIME_COLUMNS)[number]>>;

/** Which columns a read selects: the timestamps too, or not. */
export interface ReadColumns {
  timestamps: boolean;
}

/** The columns a read selects. */
export function datasetReadColumns({ timestamps }: ReadColumns): readonly string[] {
  return timestamps ? [...READ_COLUMNS, ...TIME_COLUMNS] : READ_COLUMNS;
}

/** Ids in natural order: numeric ids by value (shorter first), others alphabetically; the last key is unique. */
export const DATASET_ORDER_KEYS = ["length(source_id)", "source_id"] as const;
const DATASET_ORDER_SQL = DATASET_ORDER_KEYS.join(", ");

/** SQL for a text field of the JSON data, whether the payload spelled it PascalCase or camelCase. */
export function jsonFieldText(knex: Knex, field: string): Knex.Raw {
  const camel = camelCase(field);
  return camel === field ? knex.raw("(data->>?)", [field]) : knex.raw("coalesce(data->>?, data->>?)", [field, camel]);
}

/** The filters every list of records takes. */
export interface DatasetListFilter {
  ids?: readonly string[] | null;
  /** Part of the name, case-insensitive. */
  name?: string | null;
  /** Only records the source changed after this time. */
  changedSince?: Date | null;
  includeDeleted?: boolean | null;
}

/**
 * The records of one type with the common filters applied, without select, order or limit: the base a list refines
 * (the where* functions below) and pages through.
 */
export function datasetRecordsQuery(knex: Knex, system: SystemName, entity: string, filter?: DatasetListFilter | null): Knex.QueryBuilder {
  const query = knex("dataset_records").where({ system, entity });
  if (!filter?.includeDeleted) query.where("deleted", false);
  if (filter?.ids) query.whereIn("source_id", filter.ids as string[]);
  if (filter?.name) query.whereILike("name", `%${escapeLike(filter.name)}%`);
  if (filter?.changedSince) query.where("source_changed_at", ">", filter.changedSince);
  return query;
}

/** Only records with this (case-folded) email; no filter without one. */
export function whereEmail(query: Knex.QueryBuilder, email: string | null | undefined): Knex.QueryBuilder {
  if (email) query.where("email", email.trim().toLowerCase());
  return query;
}

/** Only records whose JSON field `field` reads `value` as text; no filter without one. */
export function whereJsonField(
  knex: Knex,
  query: Knex.QueryBuilder,
  field: string,
  value: string | number | boolean | null | undefined,
): Knex.QueryBuilder {
  if (value === null || value === undefined) return query;
  return query.where(jsonFieldText(knex, field), "=", String(value));
}

/** Only records whose boolean JSON field `field` (PascalCase) is not true: absent reads as false. */
export function whereJsonFlagNotTrue(query: Knex.QueryBuilder, field: string): Knex.QueryBuilder {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(field)) throw new Error(`whereJsonFlagNotTrue takes a PascalCase field name, got "${field}"`);
  return query.whereRaw(`coalesce(data->>'${field}', data->>'${camelCase(field)}', 'false') <> 'true'`);
}

/** Sub-records of a parent: the parent_id column the dataset writer fills, or the JSON field naming the parent. */
export function whereParent(knex: Knex, query: Knex.QueryBuilder, field: string, parentId: string | null | undefined): Knex.QueryBuilder {
  if (parentId === null || parentId === undefined) return query;
  return query.where((inner) => inner.where("parent_id", parentId).orWhere(jsonFieldText(knex, field), "=", parentId));
}

/**
 * Records of one system by (entity, source id), deleted ones included, each row with its entity: one statement for
 * any mix of types. The keys go as parallel arrays joined through unnest: the embedded engine breaks on long
 * row-value IN lists.
 */
export function recordsByKeysQuery(
  knex: Knex,
  system: SystemName,
  keys: { entities: readonly string[]; sourceIds: readonly string[] },
  columns: ReadColumns,
): Knex.QueryBuilder {
  return knex("dataset_records as d")
    .select([...datasetReadColumns(columns).map((column) => `d.${column}`), "d.entity"])
    .joinRaw("join unnest(?::text[], ?::text[]) as k(entity, source_id) on d.entity = k.entity and d.source_id = k.source_id", [
      keys.entities,
      keys.sourceIds,
    ] as unknown as Knex.Value[])
    .where("d.system", system);
}

/**
 * Live records of one type whose JSON field `field` is one of `values` (sales orders by CustomerId), in id order,
 * each row with the value it matched as __key. With `orParentId`, the parent_id column counts first.
 */
export function recordsByJsonFieldQuery(
  knex: Knex,
  system: SystemName,
  entity: string,
  field: string,
  values: readonly string[],
  columns: ReadColumns,
  { orParentId = false } = {},
): Knex.QueryBuilder {
  const key = orParentId ? knex.raw("coalesce(parent_id, ?)", [jsonFieldText(knex, field)]) : jsonFieldText(knex, field);
  return knex("dataset_records")
    .select(...datasetReadColumns(columns), knex.raw("? as __key", [key]))
    .where({ system, entity, deleted: false })
    .whereIn(key as unknown as string, values as string[])
    .orderByRaw(DATASET_ORDER_SQL);
}

/** Live records of one type whose parent_id is one of these (contact persons of customers, lines of orders), in id order. */
export function recordsByParentQuery(
  knex: Knex,
  system: SystemName,
  entity: string,
  parentIds: readonly string[],
  columns: ReadColumns,
): Knex.QueryBuilder {
  return knex("dataset_records")
    .select(datasetReadColumns(columns))
    .where({ system, entity, deleted: false })
    .whereIn("parent_id", parentIds as string[])
    .orderByRaw(DATASET_ORDER_SQL);
}

function camelCase(field: string): string {
  return field.charAt(0).toLowerCase() + field.slice(1);
}
