import DataLoader from "dataloader";
import { recordsByJsonFieldQuery, recordsByKeysQuery, recordsByParentQuery, type ReadColumns } from "../../src/datasets/record-queries.js";
import type { SystemName } from "../../src/datasets/types.js";
import type { RequestSql } from "./sql-counter.js";
import type { OperationFields } from "./context.js";
import { datasetReadFor, type DatasetRecordRow } from "./dataset-entity.js";

/**
 * Per-request DataLoaders over the datasets (the statements are src/datasets/record-queries.ts): one SQL statement per
 * (system, entity, relation) per request, however many records the request touches.
 */
export class DatasetLoaders {
  private readonly loaders = new Map<string, DataLoader<string, unknown>>();
  private readonly byIdLoaders = new Map<SystemName, DataLoader<string, DatasetRecordRow | null>>();
  constructor(
    private readonly sql: RequestSql,
    /** What the request asks for, known once its operation is resolved (before any loader runs). */
    private readonly operation: OperationFields,
  ) {}

  private get columns(): ReadColumns {
    return datasetReadFor(this.operation.fieldsAsked);
  }

  /**
   * Records by source id (deleted ones included: a reference to a deleted record still resolves, with deleted: true).
   * Every entity of a system asked for in the same tick shares one statement: an _entities request for sales orders,
   * customers and contact persons makes one round trip, not three.
   */
  record(system: SystemName, entity: string, id: string): Promise<DatasetRecordRow | null> {
    return this.recordsById(system).load(`${entity}${KEY_SEPARATOR}${id}`);
  }

  private recordsById(system: SystemName): DataLoader<string, DatasetRecordRow | null> {
    let loader = this.byIdLoaders.get(system);
    if (!loader) {
      loader = new DataLoader((keys) => this.fetchByIds(system, keys), { maxBatchSize: 5000 });
      this.byIdLoaders.set(system, loader);
    }
    return loader;
  }

  private async fetchByIds(system: SystemName, keys: readonly string[]): Promise<Array<DatasetRecordRow | null>> {
    const entities: string[] = [];
    const ids: string[] = [];
    for (const key of keys) {
      const at = key.indexOf(KEY_SEPARATOR);
      entities.push(key.slice(0, at));
      ids.push(key.slice(at + 1));
    }
    const rows = await this.sql.rows<DatasetRecordRow & { entity: string }>(
      recordsByKeysQuery(this.sql.knex, system, { entities, sourceIds: ids }, this.columns),
    );
    const byKey = new Map(rows.map((row) => [`${row.entity}${KEY_SEPARATOR}${row.source_id}`, row]));
    return keys.map((key) => byKey.get(key) ?? null);
  }

  /**
   * Live (not deleted) records whose JSON field `field` equals each key, e.g. SalesOrder by CustomerId. With
   * `orParentId`, the parent_id column (filled by the dataset writer for sub-entities) counts first.
   */
  byField(system: SystemName, entity: string, field: string, { orParentId = false } = {}): DataLoader<string, DatasetRecordRow[]> {
    return this.memo(`field:${system}:${entity}:${field}:${orParentId}`, async (keys) => {
      const rows = await this.sql.rows<DatasetRecordRow & { __key: string }>(
        recordsByJsonFieldQuery(this.sql.knex, system, entity, field, keys, this.columns, { orParentId }),
      );
      return groupBy(keys, rows, (row) => row.__key);
    });
  }

  /** Live records whose parent_id column is each key (contact persons of a customer, lines of an order). */
  byParent(system: SystemName, entity: string): DataLoader<string, DatasetRecordRow[]> {
    return this.memo(`parent:${system}:${entity}`, async (keys) => {
      const rows = await this.sql.rows<DatasetRecordRow>(recordsByParentQuery(this.sql.knex, system, entity, keys, this.columns));
      return groupBy(keys, rows, (row) => row.parent_id ?? "");
    });
  }

  private memo<V>(name: string, batch: (keys: readonly string[]) => Promise<V[]>): DataLoader<string, V> {
    let loader = this.loaders.get(name) as DataLoader<string, V> | undefined;
    if (!loader) {
      loader = new DataLoader<string, V>(batch, { maxBatchSize: 5000 });
      this.loaders.set(name, loader as DataLoader<string, unknown>);
    }
    return loader;
  }
}

/** Between the entity and the id of a record key (neither contains it). */
const KEY_SEPARATOR = "\u0000";

function groupBy<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((key) => groups.get(key) ?? []);
}
