/** How each resource is addressed on the wire: list path, record path template, create path, list filters. */
import { POWEROFFICE_RESOURCE_REGISTRY } from "./resource-registry.js";
import type { ContactPersonKey, KeyOf, PowerOfficeResourceName, SalesOrderStatus } from "./types.js";

/** Options every list accepts. */
export interface ListOptions {
  /**
   * Only records whose LastChangedDateTimeOffset is strictly after this instant (sent as
   * lastChangedDateTimeOffsetGreaterThan). Pass the API's own string back unchanged to keep its microseconds.
   */
  changedSince?: string;
  /** Records per page, 1..20000 (the API's default is 5000). */
  pageSize?: number;
  /** Sort order, e.g. "LastChangedDateTimeOffset" or "Name desc, Id" (sent as OrderBy; the API's default is unspecified). */
  orderBy?: string;
  /** Stops paging (the current request is aborted). */
  signal?: AbortSignal;
}

/** Server-side filters per resource, named as the API's query parameters. Arrays are sent comma-separated. */
export interface ListFilters {
  ContactPersons: { contactIds?: number[]; externalCodes?: string[]; createdDateTimeOffsetGreaterThan?: string };
  Customers: {
    externalImportReference?: string;
    customerNos?: string;
    externalNos?: string;
    contactGroupIds?: number[];
    customerCreatedDateTimeOffsetGreaterThan?: string;
  };
  Employees: {
    externalImportReference?: string;
    employeeNos?: string;
    externalNos?: string;
    contactGroupIds?: number[];
    employeeCreatedDateTimeOffsetGreaterThan?: string;
  };
  Departments: { codes?: string[]; name?: string; isActive?: boolean; createdDateTimeOffsetGreaterThan?: string };
  Products: { codes?: string[]; names?: string[]; isArchived?: boolean; type?: "Product" | "Service"; createdDateTimeOffsetGreaterThan?: string };
  SalesOrders: {
    customerNos?: string;
    orderStatus?: Exclude<SalesOrderStatus, null>;
    departmentCodes?: string[];
    onlyCreatedByCurrentIntegration?: boolean;
  };
}

export type ListOptionsOf<R extends PowerOfficeResourceName> = ListOptions & ListFilters[R];

export const MAX_PAGE_SIZE = 20_000;
export const DEFAULT_PAGE_SIZE = 5_000;

/** How each resource's records are addressed (from the resource registry). */
export const RESOURCE_ROUTES: Record<PowerOfficeResourceName, { recordTemplate: string; createTemplate: string }> = POWEROFFICE_RESOURCE_REGISTRY;

/** Fills a path template; every value is URL-encoded. */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for {${name}} in ${template}`);
    return encodeURIComponent(String(value));
  });
}

/** The path of one record of `resource`. */
export function recordPath<R extends PowerOfficeResourceName>(resource: R, key: KeyOf<R>): string {
  const template = RESOURCE_ROUTES[resource].recordTemplate;
  if (resource === "ContactPersons") {
    const { contactId, id } = key as ContactPersonKey;
    return fillTemplate(template, { contactId, id });
  }
  const id = key as number | string;
  return fillTemplate(template, { id, employeeId: id });
}

/** Turns list filters into query parameters (arrays comma-joined, undefined dropped). */
export function filterQuery(filters: Record<string, unknown>): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(filters)) {
    if (value === undefined || value === null) continue;
    if (name === "changedSince" || name === "pageSize" || name === "signal" || name === "orderBy") continue;
    query[name] = Array.isArray(value) ? value.join(",") : String(value);
  }
  return query;
}
