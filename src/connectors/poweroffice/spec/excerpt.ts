/** Runtime access to the spec excerpt (component schemas), for the sandbox's field lists and the contract tests. */
import { readFileSync } from "node:fs";

export interface SchemaObject {
  type?: string;
  properties?: Record<string, SchemaObject & { readOnly?: boolean }>;
  required?: string[];
  additionalProperties?: boolean | SchemaObject;
  $ref?: string;
  [key: string]: unknown;
}

export interface OpenApiExcerpt {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, SchemaObject> };
}

let cached: OpenApiExcerpt | undefined;

export function loadSpecExcerpt(): OpenApiExcerpt {
  cached ??= JSON.parse(readFileSync(new URL("./openapi.excerpt.json", import.meta.url), "utf8")) as OpenApiExcerpt;
  return cached;
}

export function componentSchema(name: string): SchemaObject {
  const schema = loadSpecExcerpt().components.schemas[name];
  if (!schema) throw new Error(`The spec excerpt has no schema ${name}`);
  return schema;
}

/** Property names of a schema that are not read-only. */
export function writableProperties(name: string): string[] {
  return Object.entries(componentSchema(name).properties ?? {})
    .filter(([, property]) => property.readOnly !== true)
    .map(([key]) => key);
}

/** Every property name of a schema. */
export function propertyNames(name: string): string[] {
  return Object.keys(componentSchema(name).properties ?? {});
}
