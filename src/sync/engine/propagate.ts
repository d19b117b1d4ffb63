import type { SystemName } from "../../config/config.js";
import type { FieldSpec, FieldValue, MappedValues } from "../model/flow-definition.js";
import { sameValue } from "../flows/fields.js";
import type { ConflictPolicy } from "../model/conflict-policy.js";

export interface SideState {
  /** The side's current mapped values. */
  values: MappedValues;
  /** What this side had when both last agreed; null = never agreed (a new link). */
  agreed: MappedValues | null;
  /** When the source record last changed (PowerOffice LastChangedDateTimeOffset, Chargebee updated_at). */
  changedAt: Date | null;
}

export interface FieldConflict {
  field: string;
  agreed: FieldValue;
  poweroffice: FieldValue;
  chargebee: FieldValue;
  /** null: the policy is manual, and neither side was written. */
  winner: SystemName | null;
  policy: ConflictPolicy;
  reason: string;
}

export interface Propagation {
  /** The values both sides hold once the writes are done. */
  agreed: MappedValues;
  /** Fields to write to Chargebee (only those that differ there). */
  toChargebee: MappedValues;
  /** Fields to write to PowerOffice. */
  toPowerOffice: MappedValues;
  /** Fields both sides changed to different values (not recorded for a new link). */
  conflicts: FieldConflict[];
  /** Fields under the manual policy whose sides hold the same value (an open manual conflict on them is settled). */
  agreedManual: string[];
}

export interface PropagateInput {
  fields: readonly FieldSpec[];
  /** Keys compared besides `fields` (computed values such as an order's lines), PowerOffice → Chargebee only. */
  extraKeys?: readonly string[];
  poweroffice: SideState;
  chargebee: SideState;
  direction: "two-way" | "poweroffice-to-chargebee";
  priority: SystemName;
  /** The conflict policy of a field (SYNC_CONFLICT_POLICY); absent: "newest" for every field. */
  policyOf?: (key: string) => ConflictPolicy;
}

const isEmpty = (value: FieldValue | undefined): boolean => value === null || value === undefined || value === "";

/** Chargebee keeps whole seconds; comparing at that precision makes a same-second edit a tie, settled by priority. */
const seconds = (date: Date | null): number | null => (date ? Math.floor(date.getTime() / 1000) : null);

/**
 * Decides, field by field, what both sides should hold: the side that changed since the agreed values wins; an
 * echo of our own write (value equal to the agreed one) is no change. When both changed to different values, the
 * field's policy decides: "newest" (an empty value never wipes a filled one, else the newer source change wins,
 * else the configured priority), one side always, or "manual" (recorded, neither side written, the agreed value kept).
 */
export function propagate(input: PropagateInput): Propagation {
  const agreed: MappedValues = {};
  const toChargebee: MappedValues = {};
  const toPowerOffice: MappedValues = {};
  const conflicts: FieldConflict[] = [];
  const agreedManual: string[] = [];
  const isNewLink = input.poweroffice.agreed === null || input.chargebee.agreed === null;
  const specs = new Map(input.fields.map((field) => [field.key, field]));
  const keys = [...input.fields.map((field) => field.key), ...(input.extraKeys ?? [])];

  for (const key of keys) {
    const field = specs.get(key);
    const po = input.poweroffice.values[key] ?? null;
    const cb = input.chargebee.values[key] ?? null;
    if (input.direction === "poweroffice-to-chargebee" || !field) {
      agreed[key] = po;
      if (!sameValue(field, cb, po)) toChargebee[key] = po;
      continue;
    }
    const poChanged = isNewLink || !sameValue(field, po, input.poweroffice.agreed?.[key]);
    const cbChanged = isNewLink || !sameValue(field, cb, input.chargebee.agreed?.[key]);
    const policy = input.policyOf?.(key) ?? "newest";
    if (sameValue(field, po, cb)) {
      agreed[key] = po;
      if (policy === "manual") agreedManual.push(key);
      continue;
    }
    // A manual field that only one side changed is carried over; both sides then hold the same value.
    if (policy === "manual" && !(poChanged && cbChanged)) agreedManual.push(key);
    let winner: SystemName;
    let reason: string | null = null;
    if (poChanged && !cbChanged) {
      winner = "poweroffice";
    } else if (cbChanged && !poChanged) {
      winner = "chargebee";
    } else if (!isNewLink && policy === "manual") {
      agreed[key] = input.poweroffice.agreed?.[key] ?? null;
      conflicts.push({
        field: key,
        agreed: agreed[key],
        poweroffice: po,
        chargebee: cb,
        winner: null,
        policy,
        reason: `SYNC_CONFLICT_POLICY makes ${key} manual: neither side is written until resolveConflict decides`,
      });
      continue;
    } else if (!isNewLink && (policy === "poweroffice" || policy === "chargebee")) {
      winner = policy;
      reason = `SYNC_CONFLICT_POLICY: ${policy === "poweroffice" ? "PowerOffice" : "Chargebee"} wins for ${key}`;
    } else if (isEmpty(po) !== isEmpty(cb)) {
      winner = isEmpty(po) ? "chargebee" : "poweroffice";
      reason = "an empty value never wipes a filled one";
    } else {
      const poAt = seconds(input.poweroffice.changedAt);
      const cbAt = seconds(input.chargebee.changedAt);
      if (poAt !== null && cbAt !== null && poAt !== cbAt) {
        winner = poAt > cbAt ? "poweroffice" : "chargebee";
        reason = "the newer change wins";
      } else {
        winner = input.priority;
        reason = `changed at the same time; ${input.priority} has priority (SYNC_PRIORITY)`;
      }
    }
    const value = winner === "poweroffice" ? po : cb;
    agreed[key] = value;
    if (winner === "poweroffice") toChargebee[key] = value;
    else toPowerOffice[key] = value;
    if (reason !== null && !isNewLink) {
      conflicts.push({
        field: key,
        agreed: input.poweroffice.agreed?.[key] ?? null,
        poweroffice: po,
        chargebee: cb,
        winner,
        policy,
        reason,
      });
    }
  }
  return { agreed, toChargebee, toPowerOffice, conflicts, agreedManual };
}
