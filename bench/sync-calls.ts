// The API call accounting of bench:sync: the calls a run made (from the sandboxes' request logs, so nothing the
// clients do escapes them), grouped by what they are, next to the fewest calls the APIs force for the same work.
// The minimum is worked out from the sandboxes' own data before and after the run, not from what the sync reports:
//   - list pages: every record of a type on a first read (one page per PAGE records, plus one more when the last
//     page is full: PowerOffice only tells the end by a short page or a 204; Chargebee says so with next_offset);
//     on a later poll one page per type read (the changes since the last poll fit in one);
//   - PowerOffice sales order lines: one GET /SalesOrders/{id}/Complete per new or changed order (order lists carry
//     no lines, lines have no timestamp of their own and there is no bulk lines endpoint);
//   - one write per target record that had to change: a record the target did not have (a sales order is an invoice
//     AND the order for it in Chargebee, an order line's price needs its item price), or one whose content changed;
//   - a PowerOffice token when the worker had none.
// Anything else (a retry, a replayed create, a write that changed nothing, a re-read page) shows above the minimum.
import type { ChargebeeSandbox } from "../src/connectors/chargebee/sandbox/index.js";
import { MAX_PAGE_SIZE } from "../src/connectors/poweroffice/index.js";
import type { PowerOfficeSandbox } from "../src/connectors/poweroffice/sandbox/index.js";

const CHARGEBEE_PAGE = 100;
/** The PowerOffice types the flows read (src/sync/poweroffice/reader.ts). */
export const POWEROFFICE_READ = ["ContactPersons", "Customers", "Employees", "Departments", "Products", "SalesOrders"] as const;
/** The Chargebee types the flows read, with the list passes each needs (items and item prices: deleted ones only by status). */
const CHARGEBEE_READ: Array<{
  resource: "customer" | "item" | "item_price" | "item_family" | "invoice" | "order";
  path: string;
  deletedByStatus: boolean;
}> = [
  { resource: "customer", path: "customers", deletedByStatus: false },
  { resource: "item_family", path: "item_families", deletedByStatus: false },
  { resource: "item", path: "items", deletedByStatus: true },
  { resource: "item_price", path: "item_prices", deletedByStatus: true },
  { resource: "invoice", path: "invoices", deletedByStatus: false },
  { resource: "order", path: "orders", deletedByStatus: false },
];
const CHARGEBEE_WRITTEN = ["customer", "item_family", "item", "item_price", "invoice", "order"] as const;
const CHARGEBEE_PATH: Record<string, string> = Object.fromEntries(CHARGEBEE_READ.map((type) => [type.resource, type.path]));
/** Fields the APIs stamp on every write; a record whose other fields are the same did not change. */
const VOLATILE = new Set(["LastChangedDateTimeOffset", "resource_version", "updated_at"]);

type Records = Map<string, string>;
/** What both sandboxes hold at one moment: per type, each record's content without its change stamps. */
export interface SourceSnapshot {
  poweroffice: Record<string, Records>;
  chargebee: Record<string, Records>;
  /** Chargebee records deleted (status or flag), per type. */
  chargebeeDeleted: Record<string, number>;
  businessEntityEvents: number;
}

function content(record: Record<string, unknown>): string {
  return JSON.stringify(record, (key, value: unknown) => (VOLATILE.has(key) ? undefined : value));
}

export function snapshotSources(po: PowerOfficeSandbox, cb: ChargebeeSandbox): SourceSnapshot {
  const poweroffice: Record<string, Records> = {};
  for (const resource of POWEROFFICE_READ) {
    poweroffice[resource] = new Map(po.store.all(resource).map((record) => [String(record.Id), content(record as Record<string, unknown>)]));
  }
  const chargebee: Record<string, Records> = {};
  const chargebeeDeleted: Record<string, number> = {};
  for (const resource of CHARGEBEE_WRITTEN) {
    const records = cb.store.dump(resource);
    chargebee[resource] = new Map(records.map((record) => [String(record.id), content(record)]));
    chargebeeDeleted[resource] = records.filter((record) => record.deleted === true || record.status === "deleted").length;
  }
  const businessEntityEvents = cb.store.dump("event").filter((event) => String(event.event_type).startsWith("business_entity_")).length;
  return { poweroffice, chargebee, chargebeeDeleted, businessEntityEvents };
}

/** The fields whose values differ between two contents of one record. */
function changedFields(before: string, after: string): string {
  const a = JSON.parse(before) as Record<string, unknown>;
  const b = JSON.parse(after) as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key])).join(", ");
}

/** Records new in `after`, and records of `before` whose content changed. */
function differences(before: Records | undefined, after: Records): { created: string[]; changed: string[] } {
  const created: string[] = [];
  const changed: string[] = [];
  for (const [id, text] of after) {
    const previous = before?.get(id);
    if (previous === undefined) created.push(id);
    else if (previous !== text) changed.push(id);
  }
  return { created, changed };
}

export interface CallGroup {
  made: number;
  minimum: number;
  /** What the minimum counts, for a reader of the output. */
  why: string;
}

/** Which group a request belongs to, e.g. "PowerOffice list ContactPersons", "Chargebee write invoices". */
export function powerOfficeGroup(entry: { method: string; path: string }): string {
  if (/oauth/i.test(entry.path)) return "PowerOffice token";
  const segments = entry.path
    .replace(/^\/v2\//, "")
    .split("/")
    .filter(Boolean);
  const resource = segments[0] ?? "?";
  if (entry.method !== "GET") return `PowerOffice write ${resource}`;
  if (segments.at(-1) === "Complete") return "PowerOffice order lines (GET SalesOrders/{id}/Complete)";
  return segments.length === 1 ? `PowerOffice list ${resource}` : `PowerOffice get ${resource}`;
}

export function chargebeeGroup(entry: { method: string; path: string }): string {
  const segments = entry.path
    .replace(/^\/api\/v2\//, "")
    .split("/")
    .filter(Boolean);
  const resource = segments[0] ?? "?";
  if (entry.method !== "GET") return `Chargebee write ${resource}`;
  return segments.length === 1 ? `Chargebee list ${resource}` : `Chargebee get ${resource}`;
}

export interface MinimumInput {
  /** The sandboxes at the last sync's end (undefined: nothing was ever read) and at this run's start and end. */
  lastSync?: SourceSnapshot;
  start: SourceSnapshot;
  end: SourceSnapshot;
  /** Whether this run has to list Chargebee (a first read, or no webhooks bringing its changes). */
  chargebeeRead: "all" | "changes" | "none";
  /** Whether the worker has a PowerOffice token still valid from before. */
  hasToken: boolean;
  /** New events the webhook receiver was delivered (each confirmed with GET /events/{id}). Default 0. */
  webhookEvents?: number;
}

/** The fewest calls of each group the run's work takes, with what each counts. */
export function minimumCalls(input: MinimumInput): Map<string, Omit<CallGroup, "made">> {
  const groups = new Map<string, Omit<CallGroup, "made">>();
  const add = (group: string, minimum: number, why: string) => groups.set(group, { minimum, why });
  const fmt = (n: number) => n.toLocaleString("en-US");
  add("PowerOffice token", input.hasToken ? 0 : 1, input.hasToken ? "the worker's token is still valid" : "the worker has no token yet");

  for (const resource of POWEROFFICE_READ) {
    const { created, changed } = differences(input.lastSync?.poweroffice[resource], input.start.poweroffice[resource]!);
    const toRead = created.length + changed.length;
    const pages = Math.floor(toRead / MAX_PAGE_SIZE) + 1;
    add(
      `PowerOffice list ${resource}`,
      pages,
      `${fmt(toRead)} ${input.lastSync ? "changed" : ""} records, ≤ ${fmt(MAX_PAGE_SIZE)} a page`.replace("  ", " "),
    );
    if (resource === "SalesOrders")
      add("PowerOffice order lines (GET SalesOrders/{id}/Complete)", toRead, `one per new or changed order: ${fmt(toRead)}`);
    const written = differences(input.start.poweroffice[resource], input.end.poweroffice[resource]!);
    const shown = written.changed
      .slice(0, 3)
      .map((id) => `${id}: ${changedFields(input.start.poweroffice[resource]!.get(id)!, input.end.poweroffice[resource]!.get(id)!)}`);
    add(
      `PowerOffice write ${resource}`,
      written.created.length + written.changed.length,
      `new ${fmt(written.created.length)} (Chargebee-born: F10–F12) + changed ${fmt(written.changed.length)}${shown.length ? ` (${shown.join("; ")}${written.changed.length > 3 ? "; …" : ""})` : ""}`,
    );
  }

  for (const type of CHARGEBEE_READ) {
    const records = input.start.chargebee[type.resource]!.size;
    const deleted = input.start.chargebeeDeleted[type.resource] ?? 0;
    let pages = 0;
    let why = "webhooks bring its changes; no catch-up due";
    if (input.chargebeeRead === "all") {
      const pagesOf = (n: number) => Math.max(1, Math.ceil(n / CHARGEBEE_PAGE));
      pages = type.deletedByStatus ? pagesOf(records - deleted) + pagesOf(deleted) : pagesOf(records);
      why = `${fmt(records)} records, ≤ ${CHARGEBEE_PAGE} a page${type.deletedByStatus ? `; deleted ones (${deleted}) only by status, a list of their own` : ""}`;
    } else if (input.chargebeeRead === "changes") {
      pages = type.deletedByStatus ? 2 : 1;
      why = "one page of changes per list";
    }
    add(`Chargebee list ${type.path}`, pages, why);
  }
  const eventPages =
    input.chargebeeRead === "none"
      ? 0
      : input.chargebeeRead === "all"
        ? Math.max(1, Math.ceil(input.start.businessEntityEvents / CHARGEBEE_PAGE))
        : 1;
  add(
    "Chargebee list events",
    eventPages,
    eventPages ? "business entities are known only from business_entity_* events" : "webhooks bring business entity changes",
  );
  const confirmations = input.webhookEvents ?? 0;
  add("Chargebee get events", confirmations, `the webhook receiver confirms each new event it is delivered: ${fmt(confirmations)}`);

  // Writes: new target records and changed ones. A new item price counts only if a new invoice line uses it, the
  // item family only if a new item is in it.
  const created = Object.fromEntries(
    CHARGEBEE_WRITTEN.map((resource) => [resource, differences(input.start.chargebee[resource], input.end.chargebee[resource]!)]),
  );
  const newInvoices = created.invoice!.created.map(
    (id) => JSON.parse(input.end.chargebee.invoice!.get(id)!) as { line_items?: Array<{ entity_id?: string }> },
  );
  const usedPrices = new Set(newInvoices.flatMap((invoice) => (invoice.line_items ?? []).map((line) => line.entity_id)));
  const newItems = created.item!.created.map((id) => JSON.parse(input.end.chargebee.item!.get(id)!) as { item_family_id?: string });
  const usedFamilies = new Set(newItems.map((item) => item.item_family_id));
  for (const resource of CHARGEBEE_WRITTEN) {
    const { created: made, changed } = created[resource]!;
    let needed = made;
    if (resource === "item_price") needed = made.filter((id) => usedPrices.has(id));
    if (resource === "item_family") needed = made.filter((id) => usedFamilies.has(id));
    // An invoice changes when its order is made (linked_orders): that is the order's write, not one of its own.
    const changedNeeded = resource === "invoice" ? 0 : changed.length;
    const why =
      resource === "invoice"
        ? `one per new order, carrying its lines: ${fmt(needed.length)}`
        : resource === "order"
          ? `the order of each new invoice: ${fmt(needed.length)}`
          : resource === "item_price"
            ? `new prices that new invoice lines use: ${fmt(needed.length)} (of ${fmt(made.length)} made)`
            : `new ${fmt(needed.length)} + changed ${fmt(changedNeeded)}`;
    add(`Chargebee write ${CHARGEBEE_PATH[resource]}`, needed.length + changedNeeded, why);
  }
  return groups;
}

/** Made and minimum side by side, every group that has either. */
export function callTable(
  made: Map<string, number>,
  minimum: Map<string, Omit<CallGroup, "made">>,
): { rows: Array<[string, CallGroup]>; made: number; minimum: number } {
  const rows: Array<[string, CallGroup]> = [];
  for (const group of new Set([...minimum.keys(), ...made.keys()])) {
    const row = { made: made.get(group) ?? 0, ...(minimum.get(group) ?? { minimum: 0, why: "not needed for this work" }) };
    if (row.made === 0 && row.minimum === 0) continue;
    rows.push([group, row]);
  }
  rows.sort(([a], [b]) => a.localeCompare(b));
  return { rows, made: rows.reduce((sum, [, row]) => sum + row.made, 0), minimum: rows.reduce((sum, [, row]) => sum + row.minimum, 0) };
}
