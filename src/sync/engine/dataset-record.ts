import { contentHash } from "../../datasets/content-hash.js";
import { storableValue } from "../../datasets/storable-text.js";
import type { DatasetRecord, SourceRecordInput } from "../../datasets/types.js";

/** A write result's record as the dataset will hold it (for the rest of the batch to see). */
export function asDatasetRecord(input: SourceRecordInput): DatasetRecord {
  const now = new Date();
  const { issues } = storableValue(input.data);
  return {
    id: 0,
    system: input.system,
    entity: input.entity,
    sourceId: input.sourceId,
    data: input.data,
    contentHash: contentHash(input.data, input.deleted ?? false),
    sourceChangedAt: input.sourceChangedAt ?? null,
    deleted: input.deleted ?? false,
    firstSeenAt: now,
    lastSeenAt: now,
    changeSeq: 0,
    email: input.email ? input.email.trim().toLowerCase() : null,
    name: input.name ?? null,
    parentId: input.parentId ?? null,
    dataIssues: issues.length > 0 ? issues : null,
  };
}
