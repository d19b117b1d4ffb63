import type { SystemName } from "../../config/config.js";
import { addressProblem, powerOfficeAddressProblem, readAddress } from "../flows/address.js";
import { controlCharacterProblem, isValidEmail } from "../flows/fields.js";
import { SyncCommandError } from "../model/errors.js";
import type { FieldSpec, FieldValue, MappedValues } from "../model/flow-definition.js";

export const SYSTEM_NAMES: Record<SystemName, string> = { poweroffice: "PowerOffice", chargebee: "Chargebee" };

/** A mutation's value as the flows hold it: trimmed text (empty is null), an address read as Chargebee writes one. */
export function normaliseValue(field: FieldSpec, value: FieldValue): FieldValue {
  if (field.kind === "address") return readAddress(value, "chargebee");
  if (value === null) return null;
  const text = String(value).trim();
  return text === "" ? null : text;
}

/** A BAD_USER_INPUT naming the field and the system (or both) that would refuse the value. */
export function refusal(field: string, system: SystemName | "both", why: string): SyncCommandError {
  const systems = system === "both" ? "PowerOffice and Chargebee" : SYSTEM_NAMES[system];
  return new SyncCommandError("BAD_USER_INPUT", `${field}: ${systems} ${system === "both" ? "refuse" : "refuses"} it: ${why}`, {
    field,
    system: system === "both" ? ["POWEROFFICE", "CHARGEBEE"] : system.toUpperCase(),
  });
}

/**
 * Throws for the first value either API would refuse (the field, the system and why): a required field cleared, a
 * control character, an invalid email, text over Chargebee's limit, an address Chargebee or PowerOffice refuses.
 * `requested` is what the caller sent (an address that normalised to nothing was not empty when sent).
 */
export function checkValues(fields: readonly FieldSpec[], values: MappedValues, requested: Readonly<Record<string, FieldValue>>): void {
  for (const field of fields) {
    if (!(field.key in values)) continue;
    const value = values[field.key] ?? null;
    if (value === null) {
      if (field.required) throw refusal(field.key, "both", "it is required and cannot be cleared");
      if (field.kind === "address" && requested[field.key] !== null) throw refusal(field.key, "both", "an address needs a line, a city or a zip");
      continue;
    }
    if (field.kind === "address") {
      const problem = addressProblem(value, "billingAddress", controlCharacterProblem);
      if (problem) throw refusal(field.key, "chargebee", problem);
      if (powerOfficeAddressProblem(value, "billingAddress")) throw refusal(field.key, "poweroffice", "a mail address needs both a city and a zip");
      continue;
    }
    const text = String(value);
    const control = controlCharacterProblem(text);
    if (control) throw refusal(field.key, "both", `it holds ${control}`);
    if (field.kind === "email" && !isValidEmail(text)) throw refusal(field.key, "chargebee", `"${text}" is not an email address`);
    if (field.maxLength !== undefined && text.length > field.maxLength)
      throw refusal(field.key, "chargebee", `its ${field.chargebee} takes at most ${field.maxLength} characters (this is ${text.length})`);
  }
}
