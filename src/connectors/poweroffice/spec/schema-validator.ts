/**
 * Ajv validators for the component schemas of the spec excerpt. Two flavours:
 * - "response": strict, as the spec says (additionalProperties: false is enforced), for contract tests;
 * - "request": the way the API's JSON binder reads a body: unknown properties are dropped, types are checked.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { loadSpecExcerpt, type SchemaObject } from "./excerpt.js";

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
type FormatsPlugin = (ajv: Ajv, formats: string[]) => Ajv;
const formatsModule = addFormatsModule as unknown as FormatsPlugin | { default: FormatsPlugin };
const addFormats: FormatsPlugin = typeof formatsModule === "function" ? formatsModule : formatsModule.default;

const SPEC_ID = "poweroffice-v2-excerpt";

export type SchemaValidatorFlavour = "response" | "request";

export interface SchemaCheck {
  valid: boolean;
  errors: string[];
}

function withNullableEnums(schemas: Record<string, SchemaObject>): Record<string, SchemaObject> {
  const out: Record<string, SchemaObject> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    out[name] = schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null) ? { ...schema, enum: [...schema.enum, null] } : schema;
  }
  return out;
}

function buildAjv(flavour: SchemaValidatorFlavour): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    removeAdditional: flavour === "request" ? true : false,
  });
  addFormats(ajv, ["date-time", "date", "uuid"]);
  for (const numeric of ["int32", "int64"]) ajv.addFormat(numeric, { type: "number", validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat("double", { type: "number", validate: () => true });
  const spec = loadSpecExcerpt();
  // OpenAPI 3.0.3: a nullable enum admits null only when null is listed. Request bodies are read leniently (a client
  // sending null means "not set"), responses strictly, so the sandbox omits unset enum fields.
  const schemas = flavour === "request" ? withNullableEnums(spec.components.schemas) : spec.components.schemas;
  ajv.addSchema({ $id: SPEC_ID, ...spec, components: { schemas } });
  return ajv;
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const where = e.instancePath === "" ? "(root)" : e.instancePath;
    const extra = e.keyword === "additionalProperties" ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : "";
    return `${where} ${e.message ?? e.keyword}${extra}`;
  });
}

export class SchemaValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(flavour: SchemaValidatorFlavour) {
    this.ajv = buildAjv(flavour);
  }

  private validator(schemaName: string, asArray: boolean): ValidateFunction {
    const key = `${schemaName}${asArray ? "[]" : ""}`;
    let fn = this.compiled.get(key);
    if (!fn) {
      const ref = { $ref: `${SPEC_ID}#/components/schemas/${schemaName}` };
      fn = this.ajv.compile(asArray ? { type: "array", items: ref } : ref);
      this.compiled.set(key, fn);
    }
    return fn;
  }

  /** Validates (and, for the request flavour, strips unknown properties from) `value`. */
  check(schemaName: string, value: unknown, options: { array?: boolean } = {}): SchemaCheck {
    const fn = this.validator(schemaName, options.array ?? false);
    const valid = fn(value) as boolean;
    return { valid, errors: valid ? [] : describe(fn.errors) };
  }
}
