import type { SystemName } from "../config/config.js";
import type { DataIssue } from "./storable-text.js";

export type { SystemName };

/** What a reader hands to the dataset store: one source record as the API returned it. */
export interface SourceRecordInput {
  system: SystemName;
  /** The API's own type name: ContactPerson, Customer, Employee, Department, Product, SalesOrder, SalesOrderLine
   *  (PowerOffice); customer, item, item_family, item_price, invoice, order, business_entity (Chargebee). */
  entity: string;
  sourceId: string;
  data: Record<string, unknown>;
  sourceChangedAt?: Date | null;
  deleted?: boolean;
  /** Case-folded by the store. */
  email?: string | null;
  name?: string | null;
  parentId?: string | null;
  /** What the reader could not store of this record (an order line the datasets refused); stored with the record. */
  issues?: DataIssue[];
}

export interface DatasetRecord {
  id: number;
  system: SystemName;
  entity: string;
  sourceId: string;
  data: Record<string, unknown>;
  contentHash: string;
  sourceChangedAt: Date | null;
  deleted: boolean;
  firstSeenAt: Date;
  lastSeenAt: Date;
  changeSeq: number;
  email: string | null;
  name: string | null;
  parentId: string | null;
  /** Text the database could not hold, replaced in `data` (the original is in the raw copy); null when none. */
  dataIssues?: DataIssue[] | null;
}

export interface DatasetRow {
  id: number;
  system: SystemName;
  entity: string;
  source_id: string;
  data: Record<string, unknown>;
  content_hash: string;
  source_changed_at: Date | null;
  deleted: boolean;
  first_seen_at: Date;
  last_seen_at: Date;
  change_seq: number;
  email: string | null;
  name: string | null;
  parent_id: string | null;
  data_issues?: DataIssue[] | null;
}

export function toDatasetRecord(row: DatasetRow): DatasetRecord {
  return {
    id: row.id,
    system: row.system,
    entity: row.entity,
    sourceId: row.source_id,
    data: row.data,
    contentHash: row.content_hash,
    sourceChangedAt: row.source_changed_at,
    deleted: row.deleted,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    changeSeq: row.change_seq,
    email: row.email,
    name: row.name,
    parentId: row.parent_id,
    dataIssues: row.data_issues ?? null,
  };
}
