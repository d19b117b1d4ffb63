import { ChangeTracker } from "../../sandbox-state/index.js";
import { Collection, decodeOffset, encodeOffset, type Entry, type SandboxRecord } from "./collection.js";
import { duplicate, notFound, SandboxApiError, wrongValue } from "./errors.js";
import { matches, parseFilters } from "./filters.js";
import type { FormObject } from "./form.js";
import { EVENT_VERBS, RESOURCE_SPECS, type SandboxResource } from "./resources.js";

export type { SandboxRecord };

export interface WriteContext {
  /** Who made the change, as Chargebee's event `source` says it. */
  source: "api" | "admin_console" | "system";
  /** The API key's name or the admin user, as Chargebee's event `user`. */
  user?: string;
  /** false when the request carried `chargebee-event-webhook: all-disabled`. */
  webhook: boolean;
  /** From `chargebee-business-entity-id`. */
  businessEntityId?: string;
}

export const ADMIN_CONTEXT: WriteContext = { source: "admin_console", user: "admin@sandbox.local", webhook: true };
export const SYSTEM_CONTEXT: WriteContext = { source: "system", webhook: true };

/** The store's numbering and versions: what a restart needs besides the records to go on as before. */
export interface ChargebeeStoreCounters {
  seq: number;
  lastVersion: number;
  /** Per id prefix or number series, the last one handed out. */
  counters: Array<[string, number]>;
}

/** A response body already serialized (lists are built from cached per-record JSON). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Chargebee's custom ids: the sandbox allows letters, digits and `_ - . @ :` (the real rule is not documented). */
const CUSTOM_ID = /^[A-Za-z0-9_.@:-]+$/;
/** Fields a write can never set or change. */
const IMMUTABLE = new Set(["id", "object", "created_at", "resource_version", "updated_at", "deleted"]);

function copy<T>(value: T): T {
  return structuredClone(value);
}

/** Per resource: each default as a serialized `"key":value,` pair. */
const DEFAULT_PAIRS = {} as Record<SandboxResource, Array<[string, string]>>;
for (const resource of Object.keys(RESOURCE_SPECS) as SandboxResource[]) {
  DEFAULT_PAIRS[resource] = Object.entries(RESOURCE_SPECS[resource].defaults).map(([key, value]) => [
    key,
    `${JSON.stringify(key)}:${JSON.stringify(value)},`,
  ]);
}

/** "vat-25", "no_vat_15", "vat-12.5" → 25, 15, 12.5. A profile without a trailing number taxes nothing. */
export function taxRateOfProfile(profileId: unknown): number {
  if (typeof profileId !== "string") return 0;
  const match = /(\d+(?:\.\d+)?)$/.exec(profileId);
  return match ? Number(match[1]) : 0;
}

/**
 * The sandbox's data: every Chargebee resource the client uses, with Chargebee's rules (custom ids, immutable ids,
 * duplicate_entry, resource_version on every write, an event per change) applied in one place, whether a change
 * comes through the API or the admin surface.
 */
export class ChargebeeSandboxStore {
  private collections!: Record<SandboxResource, Collection>;
  private seq = 0;
  private lastVersion = 0;
  private counters = new Map<string, number>();
  private listeners: Array<(event: SandboxRecord) => void> = [];
  /** Records created or changed since the state was last saved. */
  readonly changes = new ChangeTracker<SandboxResource>();
  readonly defaultBusinessEntityId = "be_default";
  /** Whether a webhook endpoint is configured (events then start as "scheduled"). */
  webhookConfigured = false;

  private silent = false;
  /** Each record's presented JSON, dropped when the record changes (lists are the hot path of reads). */
  private json = new WeakMap<SandboxRecord, string>();
  private frozenAt: number | null = null;

  constructor(private readonly wallClock: () => number = Date.now) {
    this.clear();
  }

  private clock(): number {
    return this.frozenAt ?? this.wallClock();
  }

  /** Runs `work` as history: the clock reads `atMs` and no events are recorded (seeding). */
  asHistory<T>(atMs: number, work: () => T): T {
    const previous = { silent: this.silent, frozenAt: this.frozenAt };
    this.silent = true;
    this.frozenAt = atMs;
    try {
      return work();
    } finally {
      this.silent = previous.silent;
      this.frozenAt = previous.frozenAt;
    }
  }

  clear(): void {
    const collection = (resource: SandboxResource) => new Collection((id) => this.changes.mark(resource, id));
    this.collections = {
      customer: collection("customer"),
      item: collection("item"),
      item_family: collection("item_family"),
      item_price: collection("item_price"),
      invoice: collection("invoice"),
      order: collection("order"),
      event: collection("event"),
      business_entity: collection("business_entity"),
      business_entity_transfer: collection("business_entity_transfer"),
    };
    this.counters = new Map();
    this.json = new WeakMap();
  }

  savedCounters(): ChargebeeStoreCounters {
    return { seq: this.seq, lastVersion: this.lastVersion, counters: [...this.counters] };
  }

  restoreCounters(saved: ChargebeeStoreCounters): void {
    this.seq = saved.seq;
    this.lastVersion = saved.lastVersion;
    this.counters = new Map(saved.counters);
  }

  /** A resource's entries in insertion order (saved state writes them; do not modify). */
  entries(resource: SandboxResource): readonly Entry[] {
    return this.collections[resource].all();
  }

  entry(resource: SandboxResource, id: string): Entry | undefined {
    return this.collections[resource].byId.get(id);
  }

  /** Puts a saved record back as it was (no event, no new version). */
  restoreEntry(resource: SandboxResource, seq: number, record: SandboxRecord): void {
    const previous = this.collections[resource].get(record.id);
    if (previous) this.json.delete(previous);
    this.collections[resource].restore(record, seq);
  }

  onEvent(listener: (event: SandboxRecord) => void): void {
    this.listeners.push(listener);
  }

  nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  /** resource_version: milliseconds, strictly increasing even for several writes within one millisecond. */
  nextVersion(): number {
    this.lastVersion = Math.max(this.clock(), this.lastVersion + 1);
    return this.lastVersion;
  }

  nextId(prefix: string, pad = 10): string {
    const next = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, next);
    return `${prefix}${next.toString(36).padStart(pad, "0")}`;
  }

  /** Sequential decimal numbers, as Chargebee numbers invoices. */
  nextNumber(series: string, start = 1): string {
    const next = Math.max(start, (this.counters.get(series) ?? start - 1) + 1);
    this.counters.set(series, next);
    return String(next);
  }

  count(resource: SandboxResource): number {
    return this.collections[resource].size;
  }

  // ---------------------------------------------------------------- low level

  /** Inserts a record as seeded data: no event. Keeps resource_version monotonic across seeds and writes. */
  insertSeeded(resource: SandboxResource, record: SandboxRecord): void {
    if (typeof record.resource_version === "number") this.lastVersion = Math.max(this.lastVersion, record.resource_version);
    this.collections[resource].insert(record, ++this.seq);
  }

  present(resource: SandboxResource, record: SandboxRecord): Record<string, unknown> {
    return { ...RESOURCE_SPECS[resource].defaults, ...record };
  }

  /** The presented record as JSON, built without copying the record: the defaults it lacks, then its own fields. */
  private presentJson(resource: SandboxResource, record: SandboxRecord): string {
    let text = this.json.get(record);
    if (text === undefined) {
      let prefix = "";
      for (const [key, pair] of DEFAULT_PAIRS[resource]) if (record[key] === undefined) prefix += pair;
      const own = JSON.stringify(record);
      text = own === "{}" ? `{${prefix.slice(0, -1)}}` : `{${prefix}${own.slice(1)}`;
      this.json.set(record, text);
    }
    return text;
  }

  raw(resource: SandboxResource, id: string): SandboxRecord | undefined {
    return this.collections[resource].get(id);
  }

  /** A live record (not deleted) presented as the API returns it, or a 404. */
  retrieve(resource: SandboxResource, id: string, param?: string): Record<string, unknown> {
    const record = this.collections[resource].get(id);
    if (!record || record.deleted === true) throw notFound(resource, id, param);
    return this.present(resource, record);
  }

  private requireLive(resource: SandboxResource, id: string, param?: string): SandboxRecord {
    const record = this.collections[resource].get(id);
    if (!record || record.deleted === true) throw notFound(resource, id, param);
    return record;
  }

  private create(
    resource: SandboxResource,
    record: SandboxRecord,
    ctx: WriteContext,
    related: Record<string, Record<string, unknown>> = {},
  ): Record<string, unknown> {
    for (const [key, value] of Object.entries(record)) if (value === null || value === undefined) delete record[key];
    const version = this.nextVersion();
    record.resource_version = version;
    record.updated_at = Math.floor(version / 1000);
    this.collections[resource].insert(record, ++this.seq);
    const presented = this.present(resource, record);
    const verbs = EVENT_VERBS[resource];
    if (verbs) this.emit(verbs.created, { [resource]: presented, ...related }, ctx);
    return presented;
  }

  /** Applies a change to a stored record: resource_version and updated_at move, an event is recorded. */
  private update(
    resource: SandboxResource,
    record: SandboxRecord,
    change: Record<string, unknown>,
    ctx: WriteContext,
    eventType?: string,
    related: Record<string, Record<string, unknown>> = {},
  ): Record<string, unknown> {
    this.json.delete(record);
    for (const [key, value] of Object.entries(change)) {
      if (value === undefined) continue;
      if (value === null) delete record[key];
      else record[key] = value;
    }
    const version = this.nextVersion();
    record.resource_version = version;
    record.updated_at = Math.floor(version / 1000);
    this.collections[resource].touched(record.id);
    const presented = this.present(resource, record);
    const verbs = EVENT_VERBS[resource];
    const type = eventType ?? verbs?.updated;
    if (type) this.emit(type, { [resource]: presented, ...related }, ctx);
    return presented;
  }

  private emit(eventType: string, content: Record<string, Record<string, unknown>>, ctx: WriteContext): void {
    if (this.silent) return;
    const event: SandboxRecord = {
      id: this.nextId("ev_sbx_", 12),
      occurred_at: this.nowSeconds(),
      source: ctx.source,
      ...(ctx.user ? { user: ctx.user } : {}),
      event_type: eventType,
      webhook_status: !this.webhookConfigured ? "not_configured" : ctx.webhook ? "scheduled" : "skipped",
      content: copy(content),
    };
    this.collections.event.insert(event, ++this.seq);
    for (const listener of this.listeners) listener(event);
  }

  // ---------------------------------------------------------------- lists

  /**
   * One page of a list: filters, include_deleted, sort_by[asc|desc], limit (1..100, default 10) and an offset token
   * that keeps paging stable while records change.
   */
  list(resource: SandboxResource, query: FormObject): RawJson {
    const spec = RESOURCE_SPECS[resource];
    const limitRaw = query.limit;
    const limit = limitRaw === undefined ? 10 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw wrongValue("limit", "limit must be between 1 and 100");
    const includeDeleted = query.include_deleted === "true";
    let sortField: string | null = null;
    let descending = false;
    const sortBy = query.sort_by;
    if (sortBy !== undefined) {
      if (typeof sortBy !== "object" || Array.isArray(sortBy))
        throw wrongValue("sort_by", "sort_by takes sort_by[asc]=<attribute> or sort_by[desc]=<attribute>");
      const [direction, field] = Object.entries(sortBy)[0] ?? [];
      if ((direction !== "asc" && direction !== "desc") || typeof field !== "string") throw wrongValue("sort_by", "sort_by takes asc or desc");
      if (!spec.sorts.includes(field))
        throw wrongValue(`sort_by[${direction}]`, `${resource} lists cannot be sorted by ${field}; allowed: ${spec.sorts.join(", ") || "none"}`);
      sortField = field;
      descending = direction === "desc";
    }
    const filterQuery: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(query)) {
      if (key === "limit" || key === "offset" || key === "include_deleted" || key === "sort_by") continue;
      if (typeof value === "object" && value !== null && !Array.isArray(value)) filterQuery[key] = value;
    }
    const filters = parseFilters(filterQuery, spec.filters);
    const statusAsksDeleted = filters.some((filter) => filter.path[0] === "status" && JSON.stringify(filter.value).includes("deleted"));
    const entries = this.collections[resource].sortedBy(sortField);
    let index = descending ? entries.length - 1 : 0;
    if (typeof query.offset === "string" && query.offset !== "") {
      const token = decodeOffset(query.offset);
      if (!token) throw wrongValue("offset", "The offset is not one this API returned");
      index = Collection.indexAfter(entries, sortField, token, descending);
    }
    const step = descending ? -1 : 1;
    const page: Entry[] = [];
    let more = false;
    for (; index >= 0 && index < entries.length; index += step) {
      const entry = entries[index]!;
      if (spec.hidesDeleted && entry.record.deleted === true && !includeDeleted && !statusAsksDeleted) continue;
      if (filters.length > 0) {
        const presented = this.present(resource, entry.record);
        if (!filters.every((filter) => matches(presented, filter))) continue;
      }
      if (page.length === limit) {
        more = true;
        break;
      }
      page.push(entry);
    }
    const list = page.map((entry) => `{"${resource}":${this.presentJson(resource, entry.record)}}`).join(",");
    const next = more ? `,"next_offset":${JSON.stringify(encodeOffset(sortField, page[page.length - 1]!))}` : "";
    return new RawJson(`{"list":[${list}]${next}}`);
  }

  // ---------------------------------------------------------------- business entities (admin only in reality)

  businessEntityExists(id: string): boolean {
    const entity = this.collections.business_entity.get(id);
    return Boolean(entity && entity.deleted !== true && entity.status !== "inactive");
  }

  /** What an admin does in Chargebee's UI: creates business entities by name (ids derived from the names). */
  seedBusinessEntities(names: readonly string[], ctx: WriteContext = ADMIN_CONTEXT): Array<Record<string, unknown>> {
    return names.map((name) => {
      const trimmed = name.trim();
      if (!trimmed) throw wrongValue("name", "A business entity needs a name");
      const existing = [...this.collections.business_entity.all()].find((entry) => entry.record.name === trimmed && entry.record.deleted !== true);
      if (existing) return this.present("business_entity", existing.record);
      const slug =
        trimmed
          .toLowerCase()
          .normalize("NFKD")
          .replace(/[^a-z0-9]+/g, "-")
          .replace(/^-|-$/g, "")
          .slice(0, 40) || "entity";
      let id = `be_${slug}`;
      for (let n = 2; this.collections.business_entity.get(id); n += 1) id = `be_${slug}-${n}`;
      return this.create("business_entity", { id, name: trimmed, status: "active", created_at: this.nowSeconds() }, ctx);
    });
  }

  transferBusinessEntity(params: Record<string, unknown>, ctx: WriteContext): Record<string, unknown> {
    const ids = (params.active_resource_ids as string[] | undefined) ?? [];
    const destinations = (params.destination_business_entity_ids as string[] | undefined) ?? [];
    const types = (params.resource_types as string[] | undefined) ?? [];
    const reasons = (params.reason_codes as string[] | undefined) ?? [];
    if (ids.length === 0) throw wrongValue("active_resource_ids[0]", "active_resource_ids[0] cannot be blank");
    if (destinations.length !== ids.length || types.length !== ids.length) {
      throw wrongValue("destination_business_entity_ids[0]", "Give one destination_business_entity_id and resource_type per active_resource_id");
    }
    const transfers: Array<Record<string, unknown>> = [];
    ids.forEach((resourceId, index) => {
      const destination = destinations[index]!;
      if (types[index] !== "customer") throw wrongValue(`resource_types[${index}]`, "The sandbox transfers customers only");
      if (!this.businessEntityExists(destination)) throw notFound("business_entity", destination, `destination_business_entity_ids[${index}]`);
      const customer = this.requireLive("customer", resourceId, `active_resource_ids[${index}]`);
      const source = (customer.business_entity_id as string | undefined) ?? this.defaultBusinessEntityId;
      if (source === destination)
        throw new SandboxApiError(
          409,
          "invalid_state_for_request",
          `Customer ${resourceId} already belongs to ${destination}`,
          `destination_business_entity_ids[${index}]`,
          "invalid_request",
        );
      const transfer: SandboxRecord = {
        id: this.nextId("bet_"),
        resource_type: "customer",
        resource_id: resourceId,
        active_resource_id: resourceId,
        destination_business_entity_id: destination,
        source_business_entity_id: source,
        reason_code: reasons[index] ?? "correction",
        created_at: this.nowSeconds(),
      };
      this.collections.business_entity_transfer.insert(transfer, ++this.seq);
      const presentedTransfer = this.present("business_entity_transfer", transfer);
      this.update("customer", customer, { business_entity_id: destination }, ctx, "customer_business_entity_changed", {
        business_entity_transfer: presentedTransfer,
      });
      transfers.push(presentedTransfer);
    });
    return transfers[0]!;
  }

  // ---------------------------------------------------------------- customers

  private checkCustomId(id: unknown, param = "id"): string | undefined {
    if (id === undefined) return undefined;
    if (typeof id !== "string" || !CUSTOM_ID.test(id)) throw wrongValue(param, `${param} may hold only letters, digits and _ - . @ :`);
    return id;
  }

  private rejectImmutable(params: Record<string, unknown>): void {
    for (const key of Object.keys(params)) {
      if (IMMUTABLE.has(key)) throw wrongValue(key, `${key} cannot be changed`);
    }
  }

  createCustomer(params: Record<string, unknown>, ctx: WriteContext): Record<string, unknown> {
    const id = this.checkCustomId(params.id) ?? this.nextId("cust_sbx_");
    if (this.collections.customer.get(id)) throw duplicate("id", id);
    const { id: _id, business_entity_id: deprecatedEntity, card: _card, payment_method: _pm, ...fields } = params;
    const entity = ctx.businessEntityId ?? (deprecatedEntity as string | undefined) ?? this.defaultBusinessEntityId;
    if (!this.businessEntityExists(entity)) throw notFound("business_entity", entity, "business_entity_id");
    return this.create("customer", { ...fields, id, created_at: this.nowSeconds(), business_entity_id: entity }, ctx);
  }

  updateCustomer(id: string, params: Record<string, unknown>, ctx: WriteContext): Record<string, unknown> {
    this.rejectImmutable(params);
    return this.update("customer", this.requireLive("customer", id), params, ctx);
  }

  /**
   * POST /customers/{id}/update_billing_info: the billing address is replaced by the one sent (the parts not sent are
   * cleared), the VAT fields sent are set. update itself does not take them (the SDK's update schema has neither).
   */
  updateCustomerBillingInfo(id: string, params: Record<string, unknown>, ctx: WriteContext): Record<string, unknown> {
    const customer = this.requireLive("customer", id);
    const { billing_address: address, ...vat } = params;
    const change: Record<string, unknown> = { ...vat };
    if (address && typeof address === "object") {
      change.billing_address = { ...(address as Record<string, unknown>), object: "billing_address", validation_status: "not_validated" };
    }
    return this.update("customer", customer, change, ctx);
  }

  deleteCustomer(id: string, ctx: WriteContext): Record<string, unknown> {
    const customer = this.requireLive("customer", id);
    const open = this.collections.invoice
      .all()
      .some(
        (entry) =>
          entry.record.customer_id === id && entry.record.deleted !== true && entry.record.status !== "paid" && entry.record.status !== "voided",
      );
    if (open)
      throw new SandboxApiError(
        400,
        "invalid_request",
        `Customer ${id} has unpaid invoices; void or collect them before deleting`,
        "customer_id",
        "invalid_request",
      );
    return this.update("customer", customer, { deleted: true }, ctx, "customer_deleted");
  }

  // ---------------------------------------------------------------- catalogue

  createItemFamily(params: Record<string, unknown>, ctx: WriteContext): Record<string, unknown> {
    const id = this.checkCustomId(params.id)!;
    if (this.collections.item_family.get(id)) throw duplicate("id", id);
    return this.create("item_family", { ...params, id, ...(ctx.businessEntityId ? { business_entity_id: ctx.businessEntityId } : {}) }, ctx);
  }

  updateItemFamily(id: string, params: Record<string, unknown>, ctx: WriteContext): Record<string, unknown> {
    this.rejectImmutable(params);
    return this.update("item_family", this.requireLive("item_family", id), params, ctx);
  }

  deleteItemFamily(id: string, ctx: WriteContext): Record<string, unknown> {
    const family = this.requireLive("item_family", id);
    if (this.collections.item.all().some((entry) => entry.record.item_family_id === id && entry.record.deleted !== true)) {
      throw new SandboxApiError(400, "invalid_request", `Item family ${id} still has items; delete them first`, "item_family_id", "invalid_request");
    }
    return this.update("item_family", family, { deleted: true, status: "deleted" }, ctx, "item_family_deleted");
  }

  createItem(params: Record<string, unknown>, ctx: WriteContext): Record<string, unknown> {
    const id = this.checkCustomId(params.id)!;
    if (this.collections.item.get(id)) throw duplicate("id", id);
    this.requireLive("item_family", String(params.item_family_id), "item_family_id");
    return this.create(
      "item",
      { external_name: params.name, ...params, id, ...(ctx.businessEntityId ? { business_entity_id: ctx.businessEntityId } : {}) },
      ctx,
    );
  }

  updateItem(id: string, params: Record<string, unknown>, ctx: WriteContext): Record<string, unknown> {
    this.rejectImmutable(params);
    if (params.item_family_id !== undefined) this.requireLive("item_family", String(params.item_family_id), "item_family_id");
    const change = { ...params, ...(params.status === "archived" ? { archived_at: this.nowSeconds() } : {}) };
    return this.update("item", this.requireLive("item", id), change, ctx);
  }

  deleteItem(id: string, ctx: WriteContext): Record<string, unknown> {
    return this.update("item", this.requireLive("item", id), { deleted: true, status: "deleted" }, ctx, "item_deleted");
  }

  createItemPrice(params: Record<string, unknown>, ctx: WriteContext): Record<string, unknown> {
    const id = this.checkCustomId(params.id)!;
    if (this.collections.item_price.get(id)) throw duplicate("id", id);
    const item = this.requireLive("item", String(params.item_id), "item_id");
    const record: SandboxRecord = {
      external_name: params.name,
      ...params,
      id,
      item_family_id: item.item_family_id,
      item_type: item.type,
      currency_code: String(params.currency_code ?? "NOK").toUpperCase(),
      price: params.price ?? 0,
      created_at: this.nowSeconds(),
      ...(ctx.businessEntityId ? { business_entity_id: ctx.businessEntityId } : {}),
    };
    return this.create("item_price", record, ctx);
  }

  updateItemPrice(id: string, params: Record<string, unknown>, ctx: WriteContext): Record<string, unknown> {
    this.rejectImmutable(params);
    return this.update("item_price", this.requireLive("item_price", id), params, ctx);
  }

  deleteItemPrice(id: string, ctx: WriteContext): Record<string, unknown> {
    return this.update("item_price", this.requireLive("item_price", id), { deleted: true, status: "deleted" }, ctx, "item_price_deleted");
  }

  // ---------------------------------------------------------------- invoices and orders

  /**
   * POST /invoices/create_for_charge_items_and_charges: one line per charge item price (unit_price overrides the
   * price; amount = unit_price × quantity; tax from the item price's tax profile), one per ad-hoc charge.
   */
  createInvoiceForCharges(
    params: Record<string, unknown>,
    ctx: WriteContext,
    rows: { itemPrices: Array<Record<string, unknown>>; charges: Array<Record<string, unknown>> },
  ): Record<string, unknown> {
    const customerId = params.customer_id;
    if (typeof customerId !== "string") throw wrongValue("customer_id", "customer_id cannot be blank");
    const customer = this.requireLive("customer", customerId, "customer_id");
    if (params.discounts !== undefined || params.coupon_ids !== undefined || params.coupon !== undefined) {
      throw wrongValue("discounts", "The sandbox does not model discounts or coupons on invoices");
    }
    if (rows.itemPrices.length === 0 && rows.charges.length === 0)
      throw wrongValue("item_prices[item_price_id][0]", "Give at least one item price or charge");
    const currency = String(params.currency_code ?? customer.preferred_currency_code ?? "NOK").toUpperCase();
    const autoCollection = params.auto_collection ?? customer.auto_collection ?? "on";
    if (autoCollection === "on") {
      throw new SandboxApiError(
        400,
        "payment_method_not_present",
        `Customer ${customerId} has no payment method; create the invoice with auto_collection=off`,
        "auto_collection",
        "payment",
      );
    }
    const date = typeof params.invoice_date === "number" ? params.invoice_date : this.nowSeconds();
    const netTermDays = typeof params.net_term_days === "number" ? params.net_term_days : ((customer.net_term_days as number | undefined) ?? 0);
    const lines: Array<Record<string, unknown>> = [];
    rows.itemPrices.forEach((row, index) => {
      const priceId = row.item_price_id;
      if (typeof priceId !== "string")
        throw wrongValue(`item_prices[item_price_id][${index}]`, `item_prices[item_price_id][${index}] cannot be blank`);
      const price = this.requireLive("item_price", priceId, `item_prices[item_price_id][${index}]`);
      if (price.item_type !== "charge") throw wrongValue(`item_prices[item_price_id][${index}]`, `${priceId} is not a charge item price`);
      if (price.currency_code !== currency)
        throw wrongValue(
          `item_prices[item_price_id][${index}]`,
          `${priceId} is priced in ${String(price.currency_code)}, the invoice in ${currency}`,
        );
      const quantity = (row.quantity as number | undefined) ?? 1;
      const unit = (row.unit_price as number | undefined) ?? (price.price as number);
      const amount = unit * quantity;
      const rate = price.is_taxable === false ? 0 : taxRateOfProfile((price.tax_detail as { tax_profile_id?: unknown } | undefined)?.tax_profile_id);
      lines.push({
        id: this.nextId("li_sbx_"),
        date_from: (row.date_from as number | undefined) ?? date,
        date_to: (row.date_to as number | undefined) ?? date,
        unit_amount: unit,
        quantity,
        amount,
        pricing_model: "per_unit",
        is_taxed: rate > 0,
        tax_amount: Math.round((amount * rate) / 100),
        tax_rate: rate,
        discount_amount: 0,
        item_level_discount_amount: 0,
        description: (row.description as string | undefined) ?? String(price.name),
        entity_type: "charge_item_price",
        entity_id: priceId,
        customer_id: customerId,
        object: "line_item",
      });
    });
    rows.charges.forEach((row, index) => {
      const amount = row.amount;
      if (typeof amount !== "number") throw wrongValue(`charges[amount][${index}]`, `charges[amount][${index}] cannot be blank`);
      lines.push({
        id: this.nextId("li_sbx_"),
        date_from: (row.date_from as number | undefined) ?? date,
        date_to: (row.date_to as number | undefined) ?? date,
        unit_amount: amount,
        quantity: 1,
        amount,
        pricing_model: "flat_fee",
        is_taxed: false,
        tax_amount: 0,
        discount_amount: 0,
        item_level_discount_amount: 0,
        description: String(row.description ?? "Charge"),
        entity_type: "adhoc",
        customer_id: customerId,
        object: "line_item",
      });
    });
    const subTotal = lines.reduce((sum, line) => sum + (line.amount as number), 0);
    const tax = lines.reduce((sum, line) => sum + (line.tax_amount as number), 0);
    const total = subTotal + tax;
    const dueDate = date + netTermDays * 86_400;
    const invoice: SandboxRecord = {
      id: this.nextNumber("invoice", 1001),
      customer_id: customerId,
      ...(typeof params.po_number === "string" ? { po_number: params.po_number } : {}),
      status: netTermDays > 0 && dueDate > this.nowSeconds() ? "posted" : "payment_due",
      date,
      due_date: dueDate,
      net_term_days: netTermDays,
      currency_code: currency,
      exchange_rate: 1,
      sub_total: subTotal,
      tax,
      total,
      amount_due: total,
      amount_to_collect: total,
      new_sales_amount: total,
      generated_at: date,
      ...(typeof params.invoice_note === "string" ? { notes: [{ entity_type: "customer", note: params.invoice_note }] } : {}),
      line_items: lines,
      line_item_taxes: lines
        .filter((line) => (line.tax_amount as number) > 0)
        .map((line) => ({
          line_item_id: line.id,
          tax_name: `VAT ${String(line.tax_rate)}%`,
          tax_rate: line.tax_rate,
          tax_amount: line.tax_amount,
          tax_juris_type: "country",
          tax_juris_name: "Norway",
          tax_juris_code: "NO",
          object: "line_item_tax",
        })),
      linked_orders: [],
      business_entity_id: (customer.business_entity_id as string | undefined) ?? this.defaultBusinessEntityId,
    };
    return this.create("invoice", invoice, ctx);
  }

  /** POST /orders: an order for an invoice; its line items are the invoice's lines (unit_price, amount, tax). */
  createOrder(params: Record<string, unknown>, ctx: WriteContext): Record<string, unknown> {
    const invoiceId = params.invoice_id;
    if (typeof invoiceId !== "string") throw wrongValue("invoice_id", "invoice_id cannot be blank");
    const invoice = this.requireLive("invoice", invoiceId, "invoice_id");
    const id = this.checkCustomId(params.id) ?? this.nextId("ord_sbx_");
    if (this.collections.order.get(id)) throw duplicate("id", id);
    const lines = (invoice.line_items as Array<Record<string, unknown>>) ?? [];
    const now = this.nowSeconds();
    const orderLines = lines.map((line) => {
      const amount = (line.amount as number) - ((line.discount_amount as number | undefined) ?? 0);
      const item = line.entity_type === "charge_item_price" ? this.itemOfPrice(String(line.entity_id)) : undefined;
      return {
        id: this.nextId("oli_sbx_"),
        invoice_id: invoiceId,
        invoice_line_item_id: line.id,
        unit_price: line.unit_amount,
        description: line.description,
        amount,
        fulfillment_quantity: line.quantity,
        fulfillment_amount: amount,
        tax_amount: line.tax_amount,
        amount_paid: 0,
        amount_adjusted: 0,
        refundable_credits_issued: 0,
        refundable_credits: 0,
        is_shippable: item?.is_shippable === true,
        status: "queued",
        entity_type: line.entity_type,
        ...(line.entity_id ? { entity_id: line.entity_id } : {}),
        discount_amount: line.discount_amount ?? 0,
        item_level_discount_amount: line.item_level_discount_amount ?? 0,
        object: "order_line_item",
      };
    });
    const { id: _id, invoice_id: _invoice, ...fields } = params;
    const order: SandboxRecord = {
      ...fields,
      id,
      document_number: id,
      invoice_id: invoiceId,
      customer_id: invoice.customer_id,
      status: params.status ?? "new",
      currency_code: invoice.currency_code,
      order_date: now,
      created_at: now,
      status_update_at: now,
      sub_total: invoice.sub_total,
      tax: invoice.tax,
      total: invoice.total,
      amount_paid: invoice.amount_paid ?? 0,
      discount: 0,
      order_line_items: orderLines,
      business_entity_id: invoice.business_entity_id,
    };
    const created = this.create("order", order, ctx);
    const linked = [
      ...((invoice.linked_orders as Array<Record<string, unknown>> | undefined) ?? []),
      { id, document_number: id, status: order.status, created_at: now, object: "linked_order" },
    ];
    this.update("invoice", invoice, { linked_orders: linked }, ctx);
    return created;
  }

  private itemOfPrice(itemPriceId: string): SandboxRecord | undefined {
    const price = this.collections.item_price.get(itemPriceId);
    return price ? this.collections.item.get(String(price.item_id)) : undefined;
  }

  updateOrder(id: string, params: Record<string, unknown>, ctx: WriteContext, lineChanges: Array<Record<string, unknown>>): Record<string, unknown> {
    const order = this.requireLive("order", id);
    this.rejectImmutable(params);
    const { order_line_items: _lines, invoice_id: invoiceId, ...fields } = params;
    if (invoiceId !== undefined) throw wrongValue("invoice_id", "An order's invoice cannot be changed");
    const change: Record<string, unknown> = { ...fields };
    if (fields.status !== undefined && fields.status !== order.status) change.status_update_at = this.nowSeconds();
    if (lineChanges.length > 0) {
      const lines = copy((order.order_line_items as Array<Record<string, unknown>>) ?? []);
      lineChanges.forEach((lineChange, index) => {
        const line = lines.find((candidate) => candidate.id === lineChange.id);
        if (!line) throw wrongValue(`order_line_items[id][${index}]`, `The order has no line item ${String(lineChange.id)}`);
        if (lineChange.status !== undefined) line.status = lineChange.status;
        if (lineChange.sku !== undefined) line.sku = lineChange.sku;
      });
      change.order_line_items = lines;
    }
    return this.update("order", order, change, ctx);
  }

  // ---------------------------------------------------------------- admin: edits as a Chargebee user makes them

  /** Changes fields of any record as a user in Chargebee's UI would; the record's version moves and an event follows. */
  edit(resource: SandboxResource, id: string, fields: Record<string, unknown>, ctx: WriteContext = ADMIN_CONTEXT): Record<string, unknown> {
    if (resource === "event" || resource === "business_entity_transfer") throw wrongValue("resource", `${resource} records cannot be edited`);
    this.rejectImmutable(fields);
    return this.update(resource, this.requireLive(resource, id), fields, ctx);
  }

  /** Deletes any record as a user would (deleted: true, a *_deleted event). */
  remove(resource: SandboxResource, id: string, ctx: WriteContext = ADMIN_CONTEXT): Record<string, unknown> {
    const verbs = EVENT_VERBS[resource];
    if (!verbs) throw wrongValue("resource", `${resource} records cannot be deleted`);
    const extra = resource === "item" || resource === "item_price" || resource === "item_family" ? { status: "deleted" } : {};
    return this.update(resource, this.requireLive(resource, id), { deleted: true, ...extra }, ctx, verbs.deleted);
  }

  /** Every record of a resource, presented, deleted ones included (admin and tests). */
  dump(resource: SandboxResource): Array<Record<string, unknown>> {
    return this.collections[resource].all().map((entry) => this.present(resource, entry.record));
  }

  /** Marks an event's webhook state (the dispatcher reports back). */
  setWebhookStatus(eventId: string, status: string, attempt?: { id: string; status: string }): void {
    const event = this.collections.event.get(eventId);
    if (!event) return;
    this.json.delete(event);
    event.webhook_status = status;
    if (attempt) event.webhooks = [{ id: attempt.id, webhook_status: attempt.status, object: "webhook" }];
    this.collections.event.touched(eventId);
  }
}
