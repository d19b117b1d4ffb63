import "reflect-metadata";
import { registerEnumType } from "type-graphql";

export enum SyncState {
  SYNCED = "synced",
  PENDING = "pending",
  CONFLICT = "conflict",
  QUARANTINED = "quarantined",
  UNLINKED = "unlinked",
}
registerEnumType(SyncState, {
  name: "SyncState",
  description:
    "Where a unified record stands: both sides agree, a change is on its way, a conflict was recorded, a side is quarantined, " +
    "or no record is linked to it any more (UNLINKED: each side was deleted or unlinked).",
});

export enum SourceSystem {
  POWEROFFICE = "poweroffice",
  CHARGEBEE = "chargebee",
}
registerEnumType(SourceSystem, { name: "SourceSystem", description: "PowerOffice Go or Chargebee." });

export enum SyncMode {
  INCREMENTAL = "incremental",
  FULL = "full",
  RECONCILE = "reconcile",
  DRY_RUN = "dry-run",
}
registerEnumType(SyncMode, {
  name: "SyncMode",
  description:
    "INCREMENTAL: changes since the last run. FULL: every record. RECONCILE: compare both sides in full. DRY_RUN: plan only, write nothing.",
});

export enum SyncRunStatus {
  QUEUED = "queued",
  RUNNING = "running",
  SUCCEEDED = "succeeded",
  PARTIAL = "partial",
  FAILED = "failed",
  CANCELLED = "cancelled",
}
registerEnumType(SyncRunStatus, {
  name: "SyncRunStatus",
  description:
    "QUEUED (also while it waits for a run over the same records), RUNNING, SUCCEEDED, PARTIAL: finished but missed something " +
    "other than quarantined records (a source it could not read, records left after errors; see shortfalls), FAILED, CANCELLED.",
});

export enum SyncWaitReason {
  RATE = "rate",
  CONCURRENCY = "concurrency",
  RETRY_AFTER = "retry-after",
}
registerEnumType(SyncWaitReason, {
  name: "SyncWaitReason",
  description:
    "Why a run's API calls wait: RATE, the vendor's requests per minute (Chargebee) or second (PowerOffice); CONCURRENCY, " +
    "its requests at once; RETRY_AFTER, the vendor answered 429 and every caller on the account sits out its Retry-After.",
});

export enum ConflictStatus {
  OPEN = "open",
  RESOLVED = "resolved",
}
registerEnumType(ConflictStatus, { name: "ConflictStatus" });

export enum QuarantineStatus {
  OPEN = "open",
  RELEASED = "released",
  RESOLVED = "resolved",
}
registerEnumType(QuarantineStatus, {
  name: "QuarantineStatus",
  description: "OPEN: waiting for a fix. RELEASED: sent back to the sync (retryQuarantined or a new version). RESOLVED: synced since.",
});

export enum LinkStatus {
  ACTIVE = "active",
  PENDING = "pending",
  CONFLICT = "conflict",
  QUARANTINED = "quarantined",
  DELETED = "deleted",
}
registerEnumType(LinkStatus, { name: "LinkStatus" });

export enum UnifiedKind {
  CUSTOMER = "customer",
  ORDER = "order",
  ITEM = "item",
  BUSINESS_ENTITY = "business_entity",
}
registerEnumType(UnifiedKind, { name: "UnifiedKind" });

export enum ConflictPolicyName {
  NEWEST = "newest",
  POWEROFFICE = "poweroffice",
  CHARGEBEE = "chargebee",
  MANUAL = "manual",
}
registerEnumType(ConflictPolicyName, {
  name: "ConflictPolicy",
  description:
    "What a conflict on a field does (SYNC_CONFLICT_POLICY): NEWEST, the newer change wins (an empty value never wipes a filled " +
    "one; a tie goes to SYNC_PRIORITY); POWEROFFICE or CHARGEBEE, that side wins; MANUAL, neither side is written until " +
    "resolveConflict decides.",
});

export enum ChangeReason {
  DETECTED = "detected",
  SYNC = "sync",
  CONFLICT = "conflict",
  RESOLUTION = "resolution",
  CREATED = "created",
  MUTATION = "mutation",
}
registerEnumType(ChangeReason, {
  name: "ChangeReason",
  description:
    "Why a record's field changed: DETECTED, a side changed it since both last agreed (the sync saw it); SYNC, the sync wrote it " +
    "because the other side changed; CONFLICT, a conflict policy chose it; RESOLUTION, resolveConflict chose it; CREATED, the sync " +
    "made the whole record (field is null); MUTATION, written through GraphQL.",
});

export enum RecordWriteStatus {
  WRITTEN = "written",
  UNCHANGED = "unchanged",
  PENDING = "pending",
}
registerEnumType(RecordWriteStatus, {
  name: "RecordWriteStatus",
  description:
    "What a linked record did with a write: WRITTEN, it took the new values; UNCHANGED, it held them already; PENDING, the sync " +
    "has not written it yet (the mutation stopped waiting, or the write is retried): the sync finishes it.",
});
