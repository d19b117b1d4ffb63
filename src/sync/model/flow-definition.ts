import type { DatasetRecord } from "../../datasets/types.js";
import type { SourceRecordInput } from "../../datasets/types.js";
import type { FlowKey, SyncContext } from "./types.js";

export type UnifiedKind = "customer" | "order" | "item" | "business_entity";

/** A mapped value: what both sides are compared on (JSON). */
export type FieldValue = string | number | boolean | null | FieldValue[] | { [key: string]: FieldValue };
export type MappedValues = Record<string, FieldValue>;

/** A field both sides carry, named by the unified key, with each API's own property name. */
export interface FieldSpec {
  key: string;
  /** PowerOffice DTO property (also its JSON Patch path). */
  poweroffice: string;
  /** Chargebee property. */
  chargebee: string;
  /** address: a PostalAddress object (flows/address.ts), PowerOffice's MailAddress ↔ Chargebee's billing_address. */
  kind: "text" | "email" | "address";
  /** Chargebee's limit for the property (longer values are quarantined, never cut). */
  maxLength?: number;
  /** A record without it cannot be synced (quarantined). */
  required?: boolean;
}

/**
 * A record this record points at in PowerOffice, to be replaced by its linked Chargebee id before a write
 * (an order's customer, a line's product, the business entity a department is linked to).
 */
export interface ReferenceSpec {
  /** Name the flow reads the resolved id under (e.g. "customer", "product:<lineId>", "businessEntity"). */
  role: string;
  poweroffice: { entity: string; sourceId: string };
  /** The Chargebee entity the linked record must be (e.g. "customer", "item", "business_entity"). */
  chargebeeEntity: string;
  /** Required references that are not linked yet make the record wait (tried again on the next run). */
  required: boolean;
  /** What to tell the user while it waits. */
  waitingFor: string;
}

/** What the engine hands a flow besides the record itself. */
export interface RelatedRecords {
  /** Resolved references: role → Chargebee id (absent when not linked). */
  references: Map<string, string>;
  /** Sub-records (an order's lines), not deleted, in source order. */
  children: DatasetRecord[];
  /** The Chargebee record the link points at, if any. */
  target: DatasetRecord | null;
}

export interface ChargebeeCreateInput {
  id: string;
  values: MappedValues;
  source: DatasetRecord;
  related: RelatedRecords;
  businessEntityId?: string;
  idempotencyKey: string;
  /** Flows with `outbox`: the intent the engine recorded for this create before any call of the batch. */
  outbox?: PreparedIntent;
}

/** An outbox intent recorded ahead of the call; `recovered`: an earlier attempt left it pending (look up first). */
export interface PreparedIntent {
  id: string;
  attempts: number;
  recovered: boolean;
}

export interface ChargebeeUpdateInput {
  id: string;
  /** Only the fields that change. */
  changes: MappedValues;
  values: MappedValues;
  target: DatasetRecord;
  source: DatasetRecord;
  related: RelatedRecords;
  businessEntityId?: string;
}

export interface PowerOfficeUpdateInput {
  record: DatasetRecord;
  changes: MappedValues;
}

/** The record a write returned, as the dataset stores it (so the write's echo is recognised). */
export interface WriteResult {
  records: SourceRecordInput[];
  /** The target's id (creates). */
  id: string;
  /** A create found the record already there (deterministic id, idempotent retry). */
  existing?: boolean;
  apiCalls: number;
  /** Outbox intents this write settles; marked done in the transaction that records the outcome. */
  outboxIds?: string[];
  /** What a person should check in what was written (logged, and kept in the record's event). */
  warnings?: string[];
}

/** How a flow writes; each function is one logical write and returns what the API answered. */
export interface FlowWriters {
  createInChargebee?(ctx: SyncContext, input: ChargebeeCreateInput): Promise<WriteResult>;
  updateInChargebee?(ctx: SyncContext, input: ChargebeeUpdateInput): Promise<WriteResult>;
  updateInPowerOffice?(ctx: SyncContext, input: PowerOfficeUpdateInput): Promise<WriteResult>;
  /** The delete policy's write in Chargebee when the PowerOffice record is gone (e.g. archive the item). */
  retireInChargebee?(ctx: SyncContext, input: { id: string; target: DatasetRecord }): Promise<WriteResult>;
}

export type MatchRule =
  /** People: a Chargebee customer with the same case-folded email is the same person. */
  | { by: "email" }
  /** Organisations: a Chargebee record whose name property equals this name exactly. */
  | { by: "name"; chargebeeProperty: string }
  /** Only our deterministic id. */
  | { by: "id" };

export type CreateRule =
  /** Create the Chargebee record when no match is found. */
  | "create"
  /** Never create: link to an existing record by the match rule, or report the record as unmatched. */
  | "link-only";

export interface DeletePolicy {
  /** The PowerOffice record was deleted: only unlink, or also retire the Chargebee record (writers.retireInChargebee). */
  powerofficeDeleted: "unlink" | "retire-in-chargebee";
  /** The Chargebee record was deleted: the link is closed; the PowerOffice record (accounting) is never deleted. */
  chargebeeDeleted: "unlink";
  /** One sentence for the docs. */
  description: string;
}

/** A source record is the flow's when a boolean property has this value (absent reads as false). */
export interface PropertyFilter {
  property: string;
  is: boolean;
}

export interface SourceFilter {
  /** E.g. person customers: IsPerson is true. */
  where?: PropertyFilter;
  /** Only records that a record of another type refers to by a property (a sales order's CustomerId)... */
  referencedBy?: { entity: string; property: string };
  /** ...or that this flow has linked already (a linked company keeps syncing after its orders are gone). */
  orLinked?: boolean;
  /**
   * Records a creation flow made are left to it, never written back: one linked under another flow (F12's sales
   * orders), or one whose property holds the lookup key of a PowerOffice create of ours still pending (a crash
   * between the create and its commit, before the link exists).
   */
  leaveToCreationFlows?: { keyProperty: string };
}

export interface FlowDefinition {
  id: FlowKey;
  /** The flow's readable name wherever a person sees it (CLI, GraphQL, logs): "Products → Chargebee items". */
  title: string;
  description: string;
  kind: UnifiedKind;
  /** PowerOffice type this flow reads (dataset entity name). */
  source: { system: "poweroffice"; entity: string };
  /** Chargebee type it writes. */
  target: { system: "chargebee"; entity: string };
  direction: "two-way" | "poweroffice-to-chargebee";
  /** Flows whose records this flow's writes refer to; they run in an earlier stage. */
  dependsOn: readonly FlowKey[];
  /**
   * Which records of the source type are this flow's (none: all of them), including the create rule when it depends
   * on other records (F4: a sales order refers to the customer). The planner turns it into its query.
   */
  sourceFilter?: SourceFilter;
  /** Types read besides the source, the target, the outbox's and the filter's (F7's item families and prices). */
  alsoReads?: { poweroffice?: readonly string[]; chargebee?: readonly string[] };
  /** Records with the same group key (across flows of the same group) are decided together, in one work item. */
  group?: { name: string; keyOf(record: Pick<DatasetRecord, "sourceId" | "email" | "name">): string | null };
  /** This flow's records are processed as children of another flow's record (order lines in their order). */
  parent?: { flow: FlowKey };
  /** Sub-records loaded with each record (an order's lines). */
  children?: { entity: string; flow: FlowKey };
  fields: readonly FieldSpec[];
  /** PowerOffice record → mapped values. */
  fromPowerOffice(record: DatasetRecord, related: RelatedRecords): MappedValues;
  /** The unified record's name, when it is not the mapped name or company (an order: its sales order number). */
  unifiedName?(source: DatasetRecord, target: DatasetRecord | null): string | null;
  /** Chargebee record → mapped values (the same keys). */
  fromChargebee(record: DatasetRecord): MappedValues;
  /** Why the record cannot be synced as it is (quarantine reason), or null. */
  validate(values: MappedValues, record: DatasetRecord, related: RelatedRecords): string | null;
  /** Records this record refers to, resolved through the link table before a write. */
  references?(record: DatasetRecord, children: DatasetRecord[]): ReferenceSpec[];
  match: MatchRule;
  create: CreateRule;
  /** Our deterministic Chargebee id for a record of this flow (≤ 50 chars; orders ≤ 40). */
  targetId(record: DatasetRecord): string;
  deletePolicy: DeletePolicy;
  writers: FlowWriters;
  /**
   * Creates whose remote write has no id of ours (F8's invoice): the engine records the batch's intents in the
   * outbox in one statement before any call, keyed by targetId; the writer settles them through WriteResult.outboxIds.
   */
  outbox?: { system: "chargebee" | "poweroffice"; entity: string };
}
