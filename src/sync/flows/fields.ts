import type { DatasetRecord } from "../../datasets/types.js";
import type { FieldSpec, FieldValue, MappedValues } from "../model/flow-definition.js";
import { addressProblem, readAddress, sameAddress } from "./address.js";

const EMAIL = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]{2,}$/;

/** Trimmed text, or null for absent and blank values (so "" and null compare equal). */
export function cleanText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return text === "" ? null : text;
}

export function isValidEmail(value: string): boolean {
  return EMAIL.test(value);
}

/** Reads a property case-insensitively (PowerOffice's nested objects are sometimes camelCase). */
export function readProperty(data: Record<string, unknown>, name: string): unknown {
  if (name in data) return data[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(data)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export function mapFields(fields: readonly FieldSpec[], record: DatasetRecord, side: "poweroffice" | "chargebee"): MappedValues {
  const values: MappedValues = {};
  for (const field of fields) {
    const raw = readProperty(record.data, field[side]);
    values[field.key] = field.kind === "address" ? readAddress(raw, side) : cleanText(raw);
  }
  return values;
}

/** Two mapped values mean the same (emails compare case-folded). */
export function sameValue(field: FieldSpec | undefined, a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  const left = a ?? null;
  const right = b ?? null;
  if (field?.kind === "address") return sameAddress(left, right);
  if (field?.kind === "email" && typeof left === "string" && typeof right === "string") {
    return left.toLowerCase() === right.toLowerCase();
  }
  return JSON.stringify(left) === JSON.stringify(right);
}

/** C0 controls other than tab, line feed and carriage return, DEL, and C1 controls: never meant as text. */
const CONTROL_CHARACTER = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Where a text holds a control character, as "a control character (U+0007) at position 5", or null. */
export function controlCharacterProblem(text: string): string | null {
  const match = CONTROL_CHARACTER.exec(text);
  if (!match) return null;
  const code = match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
  return `a control character (U+${code}) at position ${match.index + 1}`;
}

/** The first reason these values cannot be written to Chargebee (missing, malformed, too long), or null. */
export function fieldProblems(
  fields: readonly FieldSpec[],
  values: MappedValues,
  label: string,
  /** The system the values were read from: its property names and where to fix them. */
  from: "poweroffice" | "chargebee" = "poweroffice",
): string | null {
  const system = from === "poweroffice" ? "PowerOffice" : "Chargebee";
  for (const field of fields) {
    const value = values[field.key];
    const property = field[from];
    if (value === null || value === undefined) {
      if (field.required) return `${label} has no ${property}; it is required to sync`;
      continue;
    }
    if (field.kind === "address") {
      const problem = addressProblem(value, `${label}: ${property}`, controlCharacterProblem);
      if (problem) return `${problem}; fix it in ${system}`;
      continue;
    }
    const text = String(value);
    const control = controlCharacterProblem(text);
    if (control) return `${label}: ${property} holds ${control}; remove it in ${system}`;
    if (field.kind === "email" && !isValidEmail(text)) {
      return `${label} has an invalid email address "${text}" in ${property}; fix it in ${system}`;
    }
    if (field.maxLength !== undefined && text.length > field.maxLength) {
      return `${label}: ${property} is ${text.length} characters; Chargebee's ${field.chargebee} takes at most ${field.maxLength}`;
    }
  }
  return null;
}

/** Values turned into a Chargebee payload (property → value; null clears). */
export function toChargebeeProperties(fields: readonly FieldSpec[], values: MappedValues): Record<string, FieldValue> {
  const payload: Record<string, FieldValue> = {};
  for (const field of fields) if (field.key in values) payload[field.chargebee] = values[field.key] ?? null;
  return payload;
}

export function toPowerOfficeProperties(fields: readonly FieldSpec[], values: MappedValues): Record<string, FieldValue> {
  const payload: Record<string, FieldValue> = {};
  for (const field of fields) if (field.key in values) payload[field.poweroffice] = values[field.key] ?? null;
  return payload;
}

/** Case-folded email of a record's mapped values, for grouping and matching. */
export function foldedEmail(value: FieldValue | undefined): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim().toLowerCase() : null;
}
