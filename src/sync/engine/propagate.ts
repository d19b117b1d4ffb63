import type { SystemName } from "../../config/config.js";
import type { FieldSpec, FieldValue, MappedValues } from "../model/flow-definition.js";
import { sameValue } from "../flows/fields.js";

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
  winner: SystemName;
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
}

export interface PropagateInput {
  fields: readonly FieldSpec[];
  /** Keys compared besides `fields` (computed values such as an order's lines), PowerOffice → Chargebee only. */
  extraKeys?: readonly string[];
  poweroffice: SideState;
  chargebee: SideState;
  direction: "two-way" | "poweroffice-to-chargebee";
  priority: SystemName;
}

const isEmpty = (value: FieldValue | undefined): boolean => value === null || value === undefined || value === "";

/** Chargebee keeps whole seconds; comparing at that precision makes a same-second edit a tie, settled by priority. */
const seconds = (date: Date | null): number | null => (date ? Math.floor(date.getTime() / 1000) : null);

/**
 * Decides, field by field, what both sides should hold: the side that changed since the agreed values wins; an
 * echo of our own write (value equal to the agreed one) is no change. When both changed to different values:
 * an empty value never wipes a filled one, else the newer source change wins, else the configured priority.
 */
export function propagate(input: PropagateInput): Propagation {
  const agreed: MappedValues = {};
  const toChargebee: MappedValues = {};
  const toPowerOffice: MappedValues = {};
  const conflicts: FieldConflict[] = [];
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
    let winner: SystemName;
    let reason: string | null = null;
    if (sameValue(field, po, cb)) {
      agreed[key] = po;
      continue;
    } else if (poChanged && !cbChanged) {
      winner = "poweroffice";
    } else if (cbChanged && !poChanged) {
      winner = "chargebee";
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
        reason,
      });
    }
  }
  return { agreed, toChargebee, toPowerOffice, conflicts };
}
