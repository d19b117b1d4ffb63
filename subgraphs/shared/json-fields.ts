/**
 * Typed reads from the raw API JSON kept in dataset_records.data. PowerOffice documents PascalCase keys but some
 * payloads use camelCase, so `read` tries the key as given and with its first letter lower-cased.
 */
export type Json = Record<string, unknown>;

export function read(data: Json | null | undefined, key: string): unknown {
  if (!data) return undefined;
  if (key in data) return data[key];
  return data[camelCase(key)];
}

/**
 * The mappers read every field of a type for every row, and most optional fields are absent, so the camelCase spelling
 * is asked for again and again: keys are a fixed set of literals, so they are remembered once per process.
 */
const camelKeys = new Map<string, string>();

function camelCase(key: string): string {
  let camel = camelKeys.get(key);
  if (camel === undefined) {
    camel = key.charAt(0).toLowerCase() + key.slice(1);
    camelKeys.set(key, camel);
  }
  return camel;
}

export function str(data: Json | null | undefined, key: string): string | null {
  const value = read(data, key);
  if (value === null || value === undefined || value === "") return null;
  return typeof value === "string" ? value : String(value);
}

export function num(data: Json | null | undefined, key: string): number | null {
  const value = read(data, key);
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return null;
}

export function int(data: Json | null | undefined, key: string): number | null {
  const value = num(data, key);
  return value === null ? null : Math.trunc(value);
}

export function bool(data: Json | null | undefined, key: string): boolean | null {
  const value = read(data, key);
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return null;
}

export function obj(data: Json | null | undefined, key: string): Json | null {
  const value = read(data, key);
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

export function list(data: Json | null | undefined, key: string): Json[] {
  const value = read(data, key);
  return Array.isArray(value) ? value.filter((entry): entry is Json => typeof entry === "object" && entry !== null) : [];
}

/** An id field as a string (PowerOffice ids are int64 numbers; GraphQL IDs are strings). */
export function id(data: Json | null | undefined, key: string): string | null {
  const value = read(data, key);
  if (value === null || value === undefined || value === "") return null;
  return String(value);
}

/** .NET DateTimeOffsets may carry 7 fractional digits; JavaScript takes 3. */
export function isoDate(data: Json | null | undefined, key: string): Date | null {
  const value = read(data, key);
  if (typeof value !== "string" || value === "") return null;
  return parseTimestamp(value);
}

export function parseTimestamp(value: string): Date | null {
  const trimmed = value.replace(/(\.\d{3})\d+/, "$1").replace(" ", "T");
  const date = new Date(trimmed);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Chargebee timestamps are Unix epoch seconds. */
export function epochSeconds(data: Json | null | undefined, key: string): Date | null {
  const value = num(data, key);
  return value === null ? null : new Date(value * 1000);
}

export function toDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : parseTimestamp(value);
}
