/** Copying and naming DTO fields by the spec's schemas, case-insensitively (as the API's JSON binder reads them). */
import { componentSchema } from "../spec/excerpt.js";
import type { Dto } from "./collection.js";

const canonicalCache = new Map<string, Map<string, string>>();

function canonicalNames(schemaName: string): Map<string, string> {
  let names = canonicalCache.get(schemaName);
  if (!names) {
    names = new Map(Object.keys(componentSchema(schemaName).properties ?? {}).map((k) => [k.toLowerCase(), k]));
    canonicalCache.set(schemaName, names);
  }
  return names;
}

/** The schema's spelling of `key`, or undefined when the schema has no such property. */
export function canonicalKey(schemaName: string, key: string): string | undefined {
  return canonicalNames(schemaName).get(key.toLowerCase());
}

function refName(property: { $ref?: string }): string | undefined {
  return property.$ref?.replace("#/components/schemas/", "");
}

/**
 * The writable (not read-only) properties of `schemaName` found in `body`, keys in the schema's spelling.
 * Nested objects with their own schema (addresses) are copied the same way.
 */
export function copyWritable(body: Dto, schemaName: string): Dto {
  const schema = componentSchema(schemaName);
  const out: Dto = {};
  for (const [key, value] of Object.entries(body)) {
    const canonical = canonicalKey(schemaName, key);
    if (!canonical || value === undefined) continue;
    const property = schema.properties![canonical]!;
    if (property.readOnly === true) continue;
    const nested = refName(property);
    const nestedSchema = nested ? componentSchema(nested) : undefined;
    if (nestedSchema?.properties && value !== null && typeof value === "object" && !Array.isArray(value)) {
      out[canonical] = copyWritable(value as Dto, nested!);
    } else {
      out[canonical] = value;
    }
  }
  return out;
}

/**
 * A copy without the keys whose value is null or undefined (unset enums must be absent, see schema-validator.ts).
 * Copying instead of `delete` keeps V8's fast object layout, which matters at 100k records.
 */
export function withoutNulls(dto: Dto): Dto {
  const out: Dto = {};
  for (const key in dto) {
    const value = dto[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out;
}

/** Case-insensitive query parameters. */
export class QueryParams {
  private readonly values = new Map<string, string>();

  constructor(search: URLSearchParams) {
    for (const [key, value] of search) this.values.set(key.toLowerCase(), value);
  }

  get(name: string): string | undefined {
    const value = this.values.get(name.toLowerCase());
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  }

  list(name: string): string[] | undefined {
    const value = this.get(name);
    return value === undefined
      ? undefined
      : value
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== "");
  }
}
