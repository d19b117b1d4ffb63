import { createRequire } from "node:module";
import path from "node:path";
import type { FormValue } from "./form.js";

/**
 * The request-body schemas the official SDK ships (generated from Chargebee's OpenAPI spec), used by the sandbox to
 * type and check what arrives: the same max lengths, enums and required fields the vendor's own validator applies.
 * Only the little of Zod's surface needed here is typed.
 */
interface ZodDef {
  type: string;
  innerType?: ZodLike;
  element?: ZodLike;
  shape?: Record<string, ZodLike>;
  entries?: Record<string, string>;
  defaultValue?: unknown;
}
export interface ZodLike {
  _zod: { def: ZodDef };
  shape?: Record<string, ZodLike>;
  safeParse(
    value: unknown,
  ): { success: true; data: unknown } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
}

const require = createRequire(import.meta.url);
const schemaDir = path.join(path.dirname(require.resolve("chargebee")), "schema");
const cache = new Map<string, Record<string, ZodLike>>();

/** e.g. ("customer", "create") → CreateCustomerBodySchema from schema/customer.schema.js. */
export function bodySchema(resourceFile: string, constName: string): ZodLike {
  let module = cache.get(resourceFile);
  if (!module) {
    module = require(path.join(schemaDir, `${resourceFile}.schema.js`)) as Record<string, ZodLike>;
    cache.set(resourceFile, module);
  }
  const schema = module[constName];
  if (!schema) throw new Error(`The chargebee SDK has no schema ${constName} in ${resourceFile}.schema.js`);
  return schema;
}

function unwrap(schema: ZodLike): ZodLike {
  let current = schema;
  while (current._zod.def.type === "optional" || current._zod.def.type === "default" || current._zod.def.type === "nullable") {
    current = current._zod.def.innerType!;
  }
  return current;
}

export class CoercionError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

/** Turns the form's strings into the types the schema describes (numbers, booleans, JSON), recursively. */
export function coerce(value: FormValue, schema: ZodLike, param: string): unknown {
  const inner = unwrap(schema);
  const def = inner._zod.def;
  switch (def.type) {
    case "number":
    case "int":
    case "bigint": {
      if (typeof value !== "string") throw new CoercionError(param, `${param} must be a number`);
      const number = Number(value);
      if (value.trim() === "" || !Number.isFinite(number)) throw new CoercionError(param, `${param} must be a number, got "${value}"`);
      return number;
    }
    case "boolean": {
      if (value === "true") return true;
      if (value === "false") return false;
      throw new CoercionError(param, `${param} must be true or false, got "${String(value)}"`);
    }
    case "array": {
      const items = Array.isArray(value) ? value : [value];
      return items.map((item, index) => (item === undefined ? undefined : coerce(item, def.element!, `${param}[${index}]`)));
    }
    case "object": {
      if (typeof value === "string") {
        // JSON-typed params (meta_data, metadata) arrive as one JSON string.
        try {
          return JSON.parse(value);
        } catch {
          throw new CoercionError(param, `${param} must be a JSON object`);
        }
      }
      if (Array.isArray(value)) throw new CoercionError(param, `${param} must be an object`);
      const shape = inner.shape ?? def.shape ?? {};
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        const childSchema = shape[key];
        out[key] = childSchema ? coerce(child, childSchema, `${param}[${key}]`) : child;
      }
      return out;
    }
    case "record":
    case "any":
    case "unknown":
      if (typeof value === "string" && /^[[{]/.test(value.trim())) {
        try {
          return JSON.parse(value);
        } catch {
          return value;
        }
      }
      return value;
    default:
      return value;
  }
}

/**
 * Coerces and validates a whole body; throws CoercionError naming the first bad parameter in bracket notation.
 * Attributes sent empty come back as null ("clear it").
 */
export function parseBody(body: Record<string, FormValue>, schema: ZodLike): Record<string, unknown> {
  const shape = schema.shape ?? schema._zod.def.shape ?? {};
  const coerced: Record<string, unknown> = {};
  const cleared: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    // An empty top-level value clears the attribute (the SDK sends `email=` for ""), so it is not validated.
    if (value === "") cleared.push(key);
    else coerced[key] = shape[key] ? coerce(value, shape[key]!, key) : value;
  }
  const result = schema.safeParse(coerced);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const [head, ...rest] = issue.path.map(String);
    const param = head === undefined ? "" : head + rest.map((part) => `[${part}]`).join("");
    throw new CoercionError(param, `${param ? `${param}: ` : ""}${issue.message}`);
  }
  const data = result.data as Record<string, unknown>;
  for (const key of cleared) data[key] = null;
  return data;
}
