import type { Knex } from "knex";
import { toDatasetRecord, type DatasetRecord, type DatasetRow, type SystemName } from "./types.js";

export interface ChangeQuery {
  system?: SystemName;
  entities?: readonly string[];
  /** Only records whose change_seq is greater than this. */
  afterSeq?: number;
  limit?: number;
}

/** Records in the order they changed, for a consumer that keeps the last change_seq it processed. */
export async function readChanges(knex: Knex, query: ChangeQuery = {}): Promise<DatasetRecord[]> {
  const builder = knex<DatasetRow>("dataset_records").where("change_seq", ">", query.afterSeq ?? 0).orderBy("change_seq").limit(query.limit ?? 1000);
  if (query.system) builder.where("system", query.system);
  if (query.entities?.length) builder.whereIn("entity", query.entities as string[]);
  return ((await builder) as DatasetRow[]).map(toDatasetRecord);
}

/** Several records of one type by source id, in one query (for DataLoader batches). */
export async function getRecords(knex: Knex, system: SystemName, entity: string, sourceIds: readonly string[]): Promise<DatasetRecord[]> {
  if (sourceIds.length === 0) return [];
  const rows = (await knex<DatasetRow>("dataset_records")
    .where({ system, entity })
    .whereIn("source_id", sourceIds as string[])) as DatasetRow[];
  return rows.map(toDatasetRecord);
}
