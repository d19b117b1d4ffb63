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
  const builder = knex<DatasetRow>("dataset_records")
    .where("change_seq", ">", query.afterSeq ?? 0)
    .orderBy("change_seq")
    .limit(query.limit ?? 1000);
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

const ID_CHUNK = 5000;

/** The stored content hash of each of these records that is stored (to leave unchanged ones out of a store). */
export async function contentHashes(knex: Knex, system: SystemName, entity: string, sourceIds: readonly string[]): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (let start = 0; start < sourceIds.length; start += ID_CHUNK) {
    const rows = (await knex("dataset_records")
      .where({ system, entity })
      .whereRaw("source_id = any(?::text[])", [sourceIds.slice(start, start + ID_CHUNK)])
      .select("source_id", "content_hash")) as Array<{ source_id: string; content_hash: string }>;
    for (const row of rows) hashes.set(row.source_id, row.content_hash);
  }
  return hashes;
}

/** The live (not deleted) sub-records of these parents, e.g. the lines of some orders. */
export async function childRecords(knex: Knex, system: SystemName, entity: string, parentIds: readonly string[]): Promise<DatasetRecord[]> {
  const children: DatasetRecord[] = [];
  for (let start = 0; start < parentIds.length; start += ID_CHUNK) {
    const rows = (await knex<DatasetRow>("dataset_records")
      .where({ system, entity, deleted: false })
      .whereIn("parent_id", parentIds.slice(start, start + ID_CHUNK) as string[])) as DatasetRow[];
    children.push(...rows.map(toDatasetRecord));
  }
  return children;
}

/** The ids of the live sub-records of these parents, with their parent. */
export async function childKeys(
  knex: Knex,
  system: SystemName,
  entity: string,
  parentIds: readonly string[],
): Promise<Array<{ sourceId: string; parentId: string }>> {
  const keys: Array<{ sourceId: string; parentId: string }> = [];
  for (let start = 0; start < parentIds.length; start += ID_CHUNK) {
    const rows = (await knex("dataset_records")
      .where({ system, entity, deleted: false })
      .whereIn("parent_id", parentIds.slice(start, start + ID_CHUNK) as string[])
      .select("source_id", "parent_id")) as Array<{ source_id: string; parent_id: string }>;
    keys.push(...rows.map((row) => ({ sourceId: row.source_id, parentId: row.parent_id })));
  }
  return keys;
}

/** Parents marked deleted that still have live sub-records (an order gone whose lines are not marked yet). */
export async function deletedParentsWithLiveChildren(knex: Knex, system: SystemName, parentEntity: string, childEntity: string): Promise<string[]> {
  const rows = (await knex("dataset_records as child")
    .join("dataset_records as parent", function joinParent() {
      this.on("parent.source_id", "child.parent_id").andOnVal("parent.system", system).andOnVal("parent.entity", parentEntity);
    })
    .where({ "child.system": system, "child.entity": childEntity, "child.deleted": false, "parent.deleted": true })
    .distinct("parent.source_id")) as Array<{ source_id: string }>;
  return rows.map((row) => row.source_id);
}

/** Which of these records are stored and not deleted. */
export async function liveRecordIds(knex: Knex, system: SystemName, entity: string, sourceIds: readonly string[]): Promise<Set<string>> {
  if (sourceIds.length === 0) return new Set();
  const found = (await knex("dataset_records")
    .where({ system, entity, deleted: false })
    .whereIn("source_id", sourceIds as string[])
    .pluck("source_id")) as string[];
  return new Set(found);
}

/** One stored record's state: whether it is stored and whether it is marked deleted (null: never read). */
export async function recordPresence(knex: Knex, system: SystemName, entity: string, sourceId: string): Promise<{ deleted: boolean } | null> {
  const row = (await knex("dataset_records").where({ system, entity, source_id: sourceId }).first("deleted")) as { deleted: boolean } | undefined;
  return row ? { deleted: row.deleted } : null;
}

/** One stored record's data (for comparing versions before a store). */
export async function storedData(knex: Knex, system: SystemName, entity: string, sourceId: string): Promise<Record<string, unknown> | null> {
  const row = (await knex("dataset_records").where({ system, entity, source_id: sourceId }).first("data")) as
    { data: Record<string, unknown> } | undefined;
  return row?.data ?? null;
}

/** Live records of a type whose case-folded email is one of these, by email then id. */
export async function recordsByEmail(
  knex: Knex,
  system: SystemName,
  entity: string,
  emails: readonly string[],
): Promise<Array<{ email: string; sourceId: string }>> {
  const rows = (await knex("dataset_records")
    .where({ system, entity, deleted: false })
    .whereIn("email", emails as string[])
    .orderBy("source_id")
    .select("email", "source_id")) as Array<{ email: string; source_id: string }>;
  return rows.map((row) => ({ email: row.email, sourceId: row.source_id }));
}
