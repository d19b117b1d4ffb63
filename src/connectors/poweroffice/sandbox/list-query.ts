/** The API's list parameters: paging (PageNumber from 1, PageSize up to 20000) and the filters of each resource. */
import type { PowerOfficeResourceName } from "../types.js";
import { parseTimestampMicros } from "./clock.js";
import type { Dto, Entry } from "./collection.js";
import { SandboxProblem } from "./errors.js";
import type { QueryParams } from "./fields.js";

export const MAX_PAGE_SIZE = 20_000;
export const DEFAULT_PAGE_SIZE = 5_000;

/** "10000-11000, 12000, 13000-" → a predicate on numbers; undefined when the text is malformed. */
export function parseNumberRanges(text: string): ((n: number) => boolean) | undefined {
  const ranges: [number, number][] = [];
  for (const part of text
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "")) {
    const match = /^(\d+)?\s*(-)?\s*(\d+)?$/.exec(part);
    if (!match || (!match[1] && !match[3])) return undefined;
    const from = match[1] ? Number(match[1]) : 0;
    const to = match[2] ? (match[3] ? Number(match[3]) : Number.MAX_SAFE_INTEGER) : from;
    ranges.push([from, to]);
  }
  return (n) => ranges.some(([from, to]) => n >= from && n <= to);
}

export function paging(query: QueryParams): { pageNumber: number; pageSize: number } {
  const pageNumberText = query.get("PageNumber") ?? "1";
  const pageSizeText = query.get("PageSize") ?? String(DEFAULT_PAGE_SIZE);
  const pageNumber = Number(pageNumberText);
  const pageSize = Number(pageSizeText);
  const problems: string[] = [];
  if (!Number.isInteger(pageNumber) || pageNumber < 1) problems.push(`PageNumber must be a whole number of at least 1, got '${pageNumberText}'.`);
  if (!Number.isInteger(pageSize) || pageSize < 1) problems.push(`PageSize must be a whole number of at least 1, got '${pageSizeText}'.`);
  else if (pageSize > MAX_PAGE_SIZE) problems.push(`PageSize can not be larger than MaxPageSize (${MAX_PAGE_SIZE}).`);
  if (problems.length > 0) throw new SandboxProblem(400, "Invalid resource parameters", problems.join(" "));
  return { pageNumber, pageSize };
}

function timestampFilter(query: QueryParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === undefined) return undefined;
  const micros = parseTimestampMicros(text);
  if (micros === undefined) {
    throw new SandboxProblem(400, "One or more validation errors occurred.", `The value '${text}' is not valid for ${name}.`);
  }
  return micros;
}

function numberFilter(query: QueryParams, name: string): ((n: number) => boolean) | undefined {
  const text = query.get(name);
  if (text === undefined) return undefined;
  const predicate = parseNumberRanges(text);
  if (!predicate)
    throw new SandboxProblem(
      400,
      "One or more validation errors occurred.",
      `The value '${text}' is not a valid list of numbers or ranges for ${name}.`,
    );
  return predicate;
}

function booleanFilter(query: QueryParams, name: string): boolean | undefined {
  const text = query.get(name);
  if (text === undefined) return undefined;
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  throw new SandboxProblem(400, "One or more validation errors occurred.", `The value '${text}' is not valid for ${name}.`);
}

function createdMicros(dto: Dto, field: string): number {
  const value = dto[field];
  return typeof value === "string" ? (parseTimestampMicros(value) ?? 0) : 0;
}

/** The API's filters for `resource` as one predicate, or undefined when none are given. */
export function listPredicate(resource: PowerOfficeResourceName, query: QueryParams): ((e: Entry) => boolean) | undefined {
  const tests: ((e: Entry) => boolean)[] = [];
  const changedAfter = timestampFilter(query, "lastChangedDateTimeOffsetGreaterThan");
  if (changedAfter !== undefined) tests.push((e) => e.changed > changedAfter);
  const createdFilter = (param: string, field: string) => {
    const after = timestampFilter(query, param);
    if (after !== undefined) tests.push((e) => createdMicros(e.dto, field) > after);
  };
  const inList = (param: string, field: string, asNumber = false) => {
    const values = query.list(param);
    if (!values) return;
    if (asNumber) {
      const set = new Set(values.map(Number));
      tests.push((e) => set.has(e.dto[field] as number));
    } else {
      const set = new Set(values);
      tests.push((e) => set.has(e.dto[field] as string));
    }
  };
  const equals = (param: string, field: string) => {
    const value = query.get(param);
    if (value !== undefined) tests.push((e) => e.dto[field] === value);
  };
  const ranges = (param: string, field: string) => {
    const predicate = numberFilter(query, param);
    if (predicate) tests.push((e) => typeof e.dto[field] === "number" && predicate(e.dto[field] as number));
  };
  const flag = (param: string, test: (e: Entry, value: boolean) => boolean) => {
    const value = booleanFilter(query, param);
    if (value !== undefined) tests.push((e) => test(e, value));
  };
  const contactGroups = () => {
    const values = query.list("contactGroupIds");
    if (!values) return;
    const wanted = new Set(values.map(Number));
    tests.push((e) => Array.isArray(e.dto.ContactGroupIds) && (e.dto.ContactGroupIds as number[]).some((g) => wanted.has(g)));
  };
  switch (resource) {
    case "ContactPersons":
      inList("contactIds", "ContactId", true);
      inList("externalCodes", "ExternalCode");
      createdFilter("createdDateTimeOffsetGreaterThan", "CreatedDateTimeOffset");
      break;
    case "Customers":
      equals("externalImportReference", "ExternalImportReference");
      ranges("customerNos", "Number");
      ranges("externalNos", "ExternalNumber");
      contactGroups();
      createdFilter("customerCreatedDateTimeOffsetGreaterThan", "CustomerCreatedDateTimeOffset");
      break;
    case "Employees":
      equals("externalImportReference", "ExternalImportReference");
      ranges("employeeNos", "Number");
      ranges("externalNos", "ExternalNumber");
      contactGroups();
      createdFilter("employeeCreatedDateTimeOffsetGreaterThan", "EmployeeCreatedDateTimeOffset");
      break;
    case "Departments":
      inList("codes", "Code");
      equals("name", "Name");
      flag("isActive", (e, v) => (e.dto.IsActive === true) === v);
      createdFilter("createdDateTimeOffsetGreaterThan", "CreatedDateTimeOffset");
      break;
    case "Products":
      inList("codes", "Code");
      inList("names", "Name");
      flag("isArchived", (e, v) => (e.dto.IsArchived === true) === v);
      equals("type", "ProductType");
      createdFilter("createdDateTimeOffsetGreaterThan", "CreatedDateTimeOffset");
      break;
    case "SalesOrders":
      ranges("customerNos", "CustomerNo");
      equals("orderStatus", "SalesOrderStatus");
      inList("departmentCodes", "DepartmentCode");
      flag("onlyCreatedByCurrentIntegration", (e, v) => !v || e.dto.IsCreatedByCurrentIntegration === true);
      break;
  }
  if (tests.length === 0) return undefined;
  return (e) => tests.every((t) => t(e));
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/**
 * `OrderBy` ("Name desc, Id"; ascending by default) as a comparator; undefined when absent. Unknown fields are a
 * 400. Without it, records come in the order they were created.
 */
export function orderByComparator(
  query: QueryParams,
  canonical: (field: string) => string | undefined,
): ((a: Entry, b: Entry) => number) | undefined {
  const text = query.get("OrderBy");
  if (text === undefined) return undefined;
  const keys = text.split(",").map((part) => {
    const [field = "", direction = "asc", ...extra] = part.trim().split(/\s+/);
    const key = canonical(field);
    if (!key || extra.length > 0 || !/^(asc|desc)$/i.test(direction)) {
      throw new SandboxProblem(
        400,
        "Invalid resource parameters",
        `OrderBy '${part.trim()}' must be a field name, optionally followed by asc or desc.`,
      );
    }
    return { key, sign: /^desc$/i.test(direction) ? -1 : 1 };
  });
  return (a, b) => {
    for (const { key, sign } of keys) {
      const order = key === "LastChangedDateTimeOffset" ? a.changed - b.changed : compareValues(a.dto[key], b.dto[key]);
      if (order !== 0) return order * sign;
    }
    return 0;
  };
}
