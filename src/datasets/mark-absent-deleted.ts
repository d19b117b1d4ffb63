import type { Knex } from "knex";
import type { SystemName } from "../config/config.js";
import { storeRecords } from "./upsert-records.js";
import type { DatasetRow } from "./types.js";

/**
 * Reconcile: after a complete, successful read of every record of one type, the stored records the read did not
 * return are gone at the source. Only ever called after such a read; a failed or partial read deletes nothing.
 * `scope` narrows it (the lines of one order).
 */
export async function markAbsentDeleted(
  knex: Knex,
  system: SystemName,
  entity: string,
  seenIds: ReadonlySet<string>,
  scope: { parentId?: string } = {},
): Promise<number> {
  const builder = knex<DatasetRow>("dataset_records").where({ system, entity, deleted: false }).select("source_id");
  if (scope.parentId !== undefined) builder.where("parent_id", scope.parentId);
  const stored = (await builder) as Array<{ source_id: string }>;
  const absent = stored.map((row) => row.source_id).filter((id) => !seenIds.has(id));
  let deleted = 0;
  for (let start = 0; start < absent.length; start += 1000) {
    const rows = (await knex<DatasetRow>("dataset_records")
      .where({ system, entity })
      .whereIn("source_id", absent.slice(start, start + 1000))) as DatasetRow[];
    const result = await storeRecords(
      knex,
      rows.map((row) => ({
        system,
        entity,
        sourceId: row.source_id,
        data: row.data,
        sourceChangedAt: row.source_changed_at,
        deleted: true,
        email: row.email,
        name: row.name,
        parentId: row.parent_id,
      })),
    );
    deleted += result.changed;
  }
  return deleted;
}
