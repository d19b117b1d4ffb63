import { datasetRecordsQuery } from "../../src/datasets/record-queries.js";
import type { SystemName } from "../../src/datasets/types.js";
import type { SubgraphContext } from "./context.js";
import { DATASET_ORDER, datasetColumns, type DatasetFilter, type DatasetRecordRow } from "./dataset-entity.js";
import { paginate, type ConnectionResult, type PageArgs } from "./pagination.js";
import type { Knex } from "knex";

export type RowMapper<T> = (row: DatasetRecordRow) => T;

/** One record by source id through the request's DataLoader (null when unknown or no id). */
export async function loadRecord<T>(
  ctx: SubgraphContext,
  system: SystemName,
  entity: string,
  id: string | null | undefined,
  map: RowMapper<T>,
): Promise<T | null> {
  if (id === null || id === undefined || id === "") return null;
  const row = await ctx.datasets.record(system, entity, String(id));
  return row ? map(row) : null;
}

/** A page of a dataset list: the common filters, then `refine` for the type's own ones (src/datasets/record-queries.ts where*). */
export function listRecords<T, F extends DatasetFilter>(
  ctx: SubgraphContext,
  system: SystemName,
  entity: string,
  filter: F | null | undefined,
  page: PageArgs,
  map: RowMapper<T>,
  refine?: (query: Knex.QueryBuilder, filter: F, knex: Knex) => void,
): Promise<ConnectionResult<T>> {
  const query = datasetRecordsQuery(ctx.sql.knex, system, entity, filter);
  if (filter && refine) refine(query, filter, ctx.sql.knex);
  return paginate(ctx.sql, query, DATASET_ORDER, page, map, {
    columns: datasetColumns(ctx.operation.fieldsAsked),
    fieldsAsked: ctx.operation.fieldsAsked,
  });
}

/** The federation reference resolver of a dataset entity: batched through the request's DataLoader. */
export function datasetReference<T>(system: SystemName, entity: string, map: RowMapper<T>) {
  return {
    __resolveReference: (reference: { id: string }, ctx: SubgraphContext): Promise<T | null> => loadRecord(ctx, system, entity, reference.id, map),
  };
}
