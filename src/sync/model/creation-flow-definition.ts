import type { DatasetRecord } from "../../datasets/types.js";
import type { MappedValues, PreparedIntent, UnifiedKind, WriteResult } from "./flow-definition.js";
import type { FlowKey, SyncContext } from "./types.js";

/**
 * Where a Chargebee-born record may already be in PowerOffice. A match links the pair under the paired flow
 * instead of creating a second record.
 */
export type CreationMatchRule =
  /** A person: the case-folded email of any of these PowerOffice types (contact persons, employees, person customers). */
  | { by: "email"; poweroffice: ReadonlyArray<{ entity: string; flow: FlowKey; where?: { property: string; is: boolean } }> }
  /** An organisation or a product: this PowerOffice property equals the value exactly. */
  | { by: "name"; poweroffice: { entity: string; property: string; flow: FlowKey; where?: { property: string; is: boolean } } }
  /** Nothing in PowerOffice can stand for it before we make it (an invoice Chargebee raised). */
  | { by: "none" };

export interface PowerOfficeCreateInput {
  /** The Chargebee record the PowerOffice record is made for. */
  source: DatasetRecord;
  /** Its values mapped by the paired flow's fields. */
  values: MappedValues;
  /** The outbox intent recorded before the batch's calls; `recovered`: an earlier attempt may have made the record. */
  outbox: PreparedIntent;
}

/**
 * A flow that carries records born in Chargebee into PowerOffice. It only creates (or matches): once the pair is
 * linked, the paired forward flow (F3, F4, F7) keeps it in sync both ways, so no field is mapped twice. A flow with
 * no paired flow (F12: an invoice becomes a sales order once, and neither side is edited after) links the pair under
 * its own id and maps the record itself (`values`).
 */
export interface CreationFlowDefinition {
  id: FlowKey;
  title: string;
  description: string;
  kind: UnifiedKind;
  source: { system: "chargebee"; entity: string };
  target: { system: "poweroffice"; entity: string };
  direction: "chargebee-to-poweroffice";
  /** Forward flows that run first: what they create or link in this run is not created a second time. */
  dependsOn: readonly FlowKey[];
  /**
   * The forward flow the new or matched pair is linked under, for this record (a company → F4, a person → F3); its
   * fromChargebee maps the record. Absent: the pair is linked under this flow, and `values` maps the record.
   */
  pairedFlow?(record: DatasetRecord): FlowKey;
  /**
   * The record's values when no paired flow maps it: may read the links (an invoice's customer and items) and throw
   * WaitingError while one it needs is not linked yet, or QuarantineError when it can never be carried as it is.
   */
  values?(ctx: SyncContext, record: DatasetRecord): Promise<MappedValues>;
  /**
   * Why this Chargebee record is not one to carry over (one we made: `po-…` ids; an archived item), or null. Such
   * records are marked seen and never created in PowerOffice.
   */
  skipReason(record: DatasetRecord, settings?: SyncContext["settings"]): string | null;
  /** Why the record cannot be created in PowerOffice as it is (quarantine reason), or null. */
  validate(values: MappedValues, record: DatasetRecord): string | null;
  /** Where this record may already be in PowerOffice (a person by email, a company or product by name). */
  matchFor(record: DatasetRecord): CreationMatchRule;
  /** Types read besides the source and the target: every PowerOffice type matchFor names. */
  alsoReads?: { poweroffice?: readonly string[]; chargebee?: readonly string[] };
  /**
   * Creates the PowerOffice record, or finds the one an earlier attempt made (`outbox.recovered`: look it up by
   * the Chargebee id first; PowerOffice has no idempotency key). Returns the record as the dataset stores it.
   */
  createInPowerOffice(ctx: SyncContext, input: PowerOfficeCreateInput): Promise<WriteResult>;
  /** The unified record's name when it is not the mapped name (an order: its sales order number and invoice). */
  unifiedName?(source: DatasetRecord, target: DatasetRecord): string | null;
  deletePolicy: { description: string };
}
