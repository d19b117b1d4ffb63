import { wrongValue } from "./errors.js";

export type FilterOperator =
  "is" | "is_not" | "starts_with" | "in" | "not_in" | "is_present" | "after" | "before" | "on" | "between" | "gt" | "gte" | "lt" | "lte";
const OPERATORS = new Set<string>([
  "is",
  "is_not",
  "starts_with",
  "in",
  "not_in",
  "is_present",
  "after",
  "before",
  "on",
  "between",
  "gt",
  "gte",
  "lt",
  "lte",
]);

export type FieldKind = "string" | "timestamp" | "number" | "boolean" | "enum";

export interface Filter {
  /** Path into the record, e.g. ["relationship", "parent_id"]. */
  path: string[];
  param: string;
  op: FilterOperator;
  kind: FieldKind;
  value: unknown;
}

const OPERATORS_BY_KIND: Record<FieldKind, readonly FilterOperator[]> = {
  string: ["is", "is_not", "starts_with", "in", "not_in", "is_present"],
  enum: ["is", "is_not", "in", "not_in", "is_present"],
  timestamp: ["after", "before", "on", "between", "is_present"],
  number: ["is", "is_not", "gt", "gte", "lt", "lte", "between", "is_present"],
  boolean: ["is", "is_present"],
};

/** A JSON array as Chargebee takes it (`["a","b"]`, `[1,2]`), also when the SDK's validated form quoted it once more. */
function parseArray(param: string, raw: string): unknown[] {
  let value: unknown = raw;
  for (let depth = 0; depth < 2 && typeof value === "string"; depth += 1) {
    try {
      value = JSON.parse(value);
    } catch {
      const trimmed = (value as string).trim();
      if (trimmed.startsWith("[") && trimmed.endsWith("]"))
        value = trimmed
          .slice(1, -1)
          .split(",")
          .map((part) => part.trim())
          .filter(Boolean);
      break;
    }
  }
  if (!Array.isArray(value)) throw wrongValue(param, `${param} must be a JSON array such as [a,b]`);
  return value;
}

function parseTimestamp(param: string, raw: unknown): number {
  const text = String(raw);
  if (!/^\d{1,11}$/.test(text)) throw wrongValue(param, `${param} must be a timestamp in epoch seconds, got "${text}"`);
  return Number(text);
}

function parseScalar(kind: FieldKind, param: string, raw: unknown): unknown {
  switch (kind) {
    case "timestamp":
      return parseTimestamp(param, raw);
    case "number": {
      const number = Number(raw);
      if (!Number.isFinite(number)) throw wrongValue(param, `${param} must be a number`);
      return number;
    }
    case "boolean":
      if (raw === "true" || raw === true) return true;
      if (raw === "false" || raw === false) return false;
      throw wrongValue(param, `${param} must be true or false`);
    default:
      return String(raw);
  }
}

/**
 * Reads `field[op]=value` (and `relationship[parent_id][op]`) query params into filters, checking each field and
 * operator against what the resource allows.
 */
export function parseFilters(query: Record<string, unknown>, fields: Record<string, FieldKind>): Filter[] {
  const filters: Filter[] = [];
  for (const [name, ops] of Object.entries(query)) {
    if (ops === null || typeof ops !== "object" || Array.isArray(ops)) continue;
    if (name === "sort_by") continue;
    const entries = Object.entries(ops as Record<string, unknown>);
    for (const [op, raw] of entries) {
      if (!OPERATORS.has(op)) {
        // one level deeper: relationship[parent_id][is]
        if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
          const nested = parseFilters({ [`${name}.${op}`]: raw }, fields);
          filters.push(...nested.map((filter) => ({ ...filter, path: [name, op], param: `${name}[${op}]` })));
          continue;
        }
        throw wrongValue(`${name}[${op}]`, `Unknown filter operator "${op}" for ${name}`);
      }
      const kind = fields[name];
      if (!kind) throw wrongValue(`${name}[${op}]`, `${name} cannot be filtered on this resource`);
      const param = `${name}[${op}]`;
      if (!OPERATORS_BY_KIND[kind].includes(op as FilterOperator)) throw wrongValue(param, `${op} is not an operator for ${name}`);
      let value: unknown;
      if (op === "in" || op === "not_in") value = parseArray(param, String(raw)).map((item) => parseScalar(kind, param, item));
      else if (op === "between") {
        const pair = parseArray(param, String(raw)).map((item) => parseScalar(kind, param, item));
        if (pair.length !== 2) throw wrongValue(param, `${param} takes exactly two values`);
        value = pair;
      } else if (op === "is_present") value = parseScalar("boolean", param, raw);
      else value = parseScalar(kind, param, raw);
      filters.push({ path: name.split("."), param, op: op as FilterOperator, kind, value });
    }
  }
  return filters;
}

function valueAt(record: Record<string, unknown>, path: string[]): unknown {
  let current: unknown = record;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function fold(value: unknown, caseInsensitive: boolean): unknown {
  return caseInsensitive && typeof value === "string" ? value.toLowerCase() : value;
}

/** Whether a (presented) record passes one filter. Email comparisons ignore case, as Chargebee's do. */
export function matches(record: Record<string, unknown>, filter: Filter): boolean {
  const actual = valueAt(record, filter.path);
  const ci = filter.path[filter.path.length - 1] === "email";
  const present = actual !== undefined && actual !== null && actual !== "";
  switch (filter.op) {
    case "is_present":
      return present === filter.value;
    case "is":
      return present && fold(actual, ci) === fold(filter.value, ci);
    case "is_not":
      return !present || fold(actual, ci) !== fold(filter.value, ci);
    case "starts_with":
      return present && String(fold(actual, ci)).startsWith(String(fold(filter.value, ci)));
    case "in":
      return present && (filter.value as unknown[]).some((item) => fold(item, ci) === fold(actual, ci));
    case "not_in":
      return !present || !(filter.value as unknown[]).some((item) => fold(item, ci) === fold(actual, ci));
    case "after":
    case "gt":
      return typeof actual === "number" && actual > (filter.value as number);
    case "gte":
      return typeof actual === "number" && actual >= (filter.value as number);
    case "before":
    case "lt":
      return typeof actual === "number" && actual < (filter.value as number);
    case "lte":
      return typeof actual === "number" && actual <= (filter.value as number);
    case "on":
      return typeof actual === "number" && actual === filter.value;
    case "between": {
      const [low, high] = filter.value as [number, number];
      return typeof actual === "number" && actual >= low && actual <= high;
    }
  }
}
