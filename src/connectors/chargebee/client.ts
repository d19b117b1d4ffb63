import { randomUUID } from "node:crypto";
import Chargebee, {
  type HttpClientInterface,
  type Customer,
  type Event,
  type Invoice,
  type Item,
  type ItemFamily,
  type ItemPrice,
  type Order,
  type BusinessEntity,
} from "chargebee";
import type { Logger } from "../../logging/logger.js";
import { silentLogger } from "../../logging/logger.js";
import { ChargebeeApiError, toChargebeeApiError } from "./errors.js";
import { requestIdempotencyKey } from "./idempotency-key.js";
import { CHARGEBEE_RESOURCE_REGISTRY, type ChargebeeResource } from "./resource-registry.js";
import { nodeHttpClient } from "./node-http-client.js";
import {
  AccountBudget,
  BudgetPausedError,
  BudgetWaitError,
  type BudgetGrant,
  type BudgetStateStore,
  type BudgetWaitNow,
} from "../rate-budget/index.js";
import { chargebeeBudgetKey, chargebeeBudgetLimits, chargebeeBudgetRate } from "./request-budget.js";
import { CHARGEBEE_SANDBOX_API_KEY, CHARGEBEE_SANDBOX_HOST, CHARGEBEE_SANDBOX_SITE } from "./sandbox/constants.js";
import type {
  ChargebeeClientConfig,
  ChargebeeCreateResult,
  ChargebeeEndpointStats,
  ChargebeeEventReadOptions,
  ChargebeeInvoiceForChargesInput,
  ChargebeeOrderInput,
  ChargebeeOutcome,
  ChargebeePage,
  ChargebeeReadableResource,
  ChargebeeReadOptions,
  ChargebeeResourceMap,
  ChargebeeRetryPolicy,
  ChargebeeStats,
  ChargebeeWriteOptions,
} from "./types.js";

export interface ChargebeeClientOptions {
  logger?: Logger;
  /** Let the SDK validate every request against its Zod schemas (slower; used by the contract tests). */
  enableValidation?: boolean;
  retry?: Partial<ChargebeeRetryPolicy>;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  /** Default for ChargebeeWriteOptions.suppressWebhook. Default true: our own writes send no webhook back to us. */
  suppressWebhooksByDefault?: boolean;
  /** Test hook: how the client waits between retries. */
  sleep?: (ms: number) => Promise<void>;
  /** The SDK's transport. Default: node:http(s) with keep-alive (see node-http-client.ts); the SDK's own is fetch. */
  httpClient?: HttpClientInterface;
  /**
   * Where the site's request budget is kept. A PostgreSQL store shares it with every process on that database (the
   * workers, the webhook receiver); default: a budget of this client's own.
   */
  budgetStore?: BudgetStateStore;
}

type Headers = Record<string, string>;
type ListParams = Record<string, unknown>;
interface ListResult<T> {
  list: T[];
  next_offset?: string;
}

const MIN_TIMESTAMP = 1_000_000_000; // Chargebee's validator wants 10-digit epoch seconds
const DEFAULT_RETRY: ChargebeeRetryPolicy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 60_000 };
const MAX_ORDER_ID_LENGTH = 40;
const RATE_LIMIT_STEP_MS = 15_000;
/**
 * Each incremental read starts this long before the cursor: a write Chargebee committed with an updated_at just
 * before our previous read ended (in flight, or stamped by a clock up to a minute behind ours) is still seen. The
 * re-read records are de-duplicated downstream (same content, same change_seq).
 */
export const DEFAULT_OVERLAP_SECONDS = 60;
const MAX_CUSTOMER_ID_LENGTH = 50;

/** How each readable resource is listed: the SDK call, the wrapper key and a stable (immutable) sort key. */
interface ReadSpec {
  endpoint: string;
  key: string;
  sort?: string;
  /** include_deleted exists for this list (customers, invoices, orders). */
  supportsIncludeDeleted: boolean;
  /** Where include_deleted does not exist but status[is]=deleted does (items, item prices): a second pass for them. */
  deletedByStatus?: boolean;
  list: (params: ListParams, headers: Headers) => Promise<ListResult<Record<string, unknown>>>;
}

export function toEpochSeconds(value: Date | number): number {
  return value instanceof Date ? Math.floor(value.getTime() / 1000) : Math.floor(value);
}

/** The item price id we give the one price per item and currency (max 100 chars, like the item id). */
export function itemPriceIdFor(itemId: string, currencyCode: string): string {
  return `${itemId}-${currencyCode.toUpperCase()}`;
}

/**
 * The Chargebee client: the official SDK with our budget, retries, typed errors, idempotency keys, statistics and
 * streamed, de-duplicated incremental reads around it.
 */
export class ChargebeeClient {
  readonly sdk: Chargebee;
  readonly site: string;
  private readonly budget: AccountBudget;
  private readonly retry: ChargebeeRetryPolicy;
  private readonly logger: Logger;
  private readonly validation: boolean;
  private readonly suppressWebhooksByDefault: boolean;
  private readonly sleep: (ms: number) => Promise<void>;
  private counters = new Map<string, ChargebeeEndpointStats>();
  /**
   * After a 429 the whole site is blocked, not one request: every new request of this client waits until then (and,
   * through the budget, every other process's).
   */
  private blockedUntil = 0;
  private total = 0;
  private readonly specs: Record<ChargebeeReadableResource, ReadSpec>;

  constructor(config: ChargebeeClientConfig, options: ChargebeeClientOptions = {}) {
    const sandbox = config.mode === "sandbox";
    const site = config.site ?? (sandbox ? CHARGEBEE_SANDBOX_SITE : undefined);
    const apiKey = config.apiKey ?? (sandbox ? CHARGEBEE_SANDBOX_API_KEY : undefined);
    if (!site || !apiKey) {
      throw new Error("Chargebee needs a site and an API key: set CHARGEBEE_SITE and CHARGEBEE_API_KEY (or leave both unset for the sandbox)");
    }
    const endpoint =
      config.endpoint ?? (sandbox ? { protocol: "http" as const, host: CHARGEBEE_SANDBOX_HOST, port: config.sandboxPort ?? 4102 } : undefined);
    this.site = site;
    this.validation = options.enableValidation ?? false;
    this.sdk = new Chargebee({
      site: endpoint ? endpoint.host : site,
      apiKey,
      sdkTelemetryEnabled: false,
      enableValidation: this.validation,
      timeout: options.timeoutMs ?? 30_000,
      httpClient: options.httpClient ?? nodeHttpClient,
      ...(endpoint ? { protocol: endpoint.protocol, hostSuffix: "", port: endpoint.port } : {}),
    });
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.logger = options.logger ?? silentLogger;
    this.budget = new AccountBudget({
      key: chargebeeBudgetKey(site, endpoint),
      limits: chargebeeBudgetLimits(config),
      rate: chargebeeBudgetRate(config),
      store: options.budgetStore,
      logger: this.logger,
    });
    this.suppressWebhooksByDefault = options.suppressWebhooksByDefault ?? true;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const sdk = this.sdk;
    const list = {
      customer: (p: ListParams, h: Headers) => sdk.customer.list(p as Customer.ListInputParam, h),
      item: (p: ListParams, h: Headers) => sdk.item.list(p as Item.ListInputParam, h),
      item_price: (p: ListParams, h: Headers) => sdk.itemPrice.list(p as ItemPrice.ListInputParam, h),
      item_family: (p: ListParams, h: Headers) => sdk.itemFamily.list(p as ItemFamily.ListInputParam, h),
      invoice: (p: ListParams, h: Headers) => sdk.invoice.list(p as Invoice.ListInputParam, h),
      order: (p: ListParams, h: Headers) => sdk.order.list(p as Order.ListInputParam, h),
    } as Record<ChargebeeReadableResource, ReadSpec["list"]>;
    this.specs = Object.fromEntries(
      (Object.keys(list) as ChargebeeReadableResource[]).map((resource) => {
        const registered: ChargebeeResource = CHARGEBEE_RESOURCE_REGISTRY[resource];
        return [
          resource,
          {
            endpoint: registered.listEndpoint ?? `${resource}.list`,
            key: resource,
            sort: registered.sort,
            supportsIncludeDeleted: registered.includeDeleted,
            deletedByStatus: registered.deletedByStatus,
            list: list[resource],
          },
        ];
      }),
    ) as Record<ChargebeeReadableResource, ReadSpec>;
  }

  // ---------------------------------------------------------------- statistics

  stats(): ChargebeeStats {
    const byEndpoint: Record<string, ChargebeeEndpointStats> = {};
    for (const [endpoint, counts] of this.counters) byEndpoint[endpoint] = { ...counts, outcomes: { ...counts.outcomes } };
    return { totalCalls: this.total, byEndpoint };
  }

  resetStats(): void {
    this.counters = new Map();
    this.total = 0;
  }

  /** What this client's callers wait for in the site's budget now (rate, concurrency or a 429), if any wait. */
  budgetWait(): BudgetWaitNow | undefined {
    return this.budget.currentWait();
  }

  /** Gives back what this client holds of the site's budget (other processes get its slots at once). */
  async close(): Promise<void> {
    await this.budget.close();
  }

  private count(endpoint: string, outcome: ChargebeeOutcome, retry: boolean): void {
    this.total += 1;
    const counts = this.counters.get(endpoint) ?? { calls: 0, outcomes: {}, retries: 0 };
    counts.calls += 1;
    counts.outcomes[outcome] = (counts.outcomes[outcome] ?? 0) + 1;
    if (retry) counts.retries += 1;
    this.counters.set(endpoint, counts);
  }

  // ---------------------------------------------------------------- the one way a request goes out

  /**
   * Runs one API operation through the budget, with retries for 429, 5xx and lost connections. Writes carry the
   * same idempotency key on every attempt, so a retry after a lost answer cannot write twice. A caller's key names
   * the intent; the parameters' fingerprint is added to it, so the key is reused only with identical parameters
   * (Chargebee refuses a key it saw with other parameters in the last 30 minutes).
   */
  private async request<T>(
    endpoint: string,
    run: (headers: Headers) => Promise<T>,
    write?: ChargebeeWriteOptions & { params?: unknown },
    retryOverride?: Partial<ChargebeeRetryPolicy>,
  ): Promise<T> {
    const retry = retryOverride ? narrowed(this.retry, retryOverride) : this.retry;
    const headers: Headers = {};
    if (write) {
      headers["chargebee-idempotency-key"] = write.idempotencyKey
        ? requestIdempotencyKey(write.idempotencyKey, endpoint, write.params, write.businessEntityId)
        : randomUUID();
      if (write.businessEntityId) headers["chargebee-business-entity-id"] = write.businessEntityId;
      if (write.suppressWebhook ?? this.suppressWebhooksByDefault) headers["chargebee-event-webhook"] = "all-disabled";
    }
    let lastError: ChargebeeApiError | undefined;
    for (let attempt = 0; ; attempt += 1) {
      const grant = await this.startWithinBudget(endpoint, retry, lastError, retryOverride !== undefined);
      try {
        const result = await run(headers);
        this.count(endpoint, "ok", attempt > 0);
        return result;
      } catch (raw) {
        const error = toChargebeeApiError(raw, endpoint);
        if (error.apiErrorCode === "client_validation_failed") throw error; // nothing was sent
        this.count(endpoint, outcomeOf(error), attempt > 0);
        if (!error.retryable || attempt >= retry.maxRetries) throw error;
        lastError = error;
        // A 429 blocks the whole site, so the block follows Chargebee and the client's own policy, not this call's.
        const wait = this.retryDelay(error, attempt, error.httpStatus === 429 ? this.retry : retry);
        if (error.httpStatus === 429) {
          this.blockedUntil = Math.max(this.blockedUntil, Date.now() + wait);
          // Every process on the site's budget holds off too (a lock_timeout is one record's, not the site's).
          if (error.apiErrorCode !== "lock_timeout") this.budget.pause(wait, { reporterWaits: true });
        }
        this.logger.warn(
          { endpoint, httpStatus: error.httpStatus, apiErrorCode: error.apiErrorCode, attempt: attempt + 1, waitMs: wait },
          "Chargebee request failed; retrying",
        );
        grant.release();
        if (error.httpStatus !== 429) await this.sleep(wait); // a 429 waits at the top of the loop, with everyone
        continue;
      } finally {
        grant.release();
      }
    }
  }

  /**
   * Waits out a block, then for a start within the site's budget. A block another process reported comes back as a
   * BudgetPausedError and is waited out here like one of our own. A call with its own (narrowed) policy does not
   * wait longer for the budget than for a retry.
   */
  private async startWithinBudget(
    endpoint: string,
    retry: ChargebeeRetryPolicy,
    lastError: ChargebeeApiError | undefined,
    narrowedPolicy: boolean,
  ): Promise<BudgetGrant> {
    for (;;) {
      await this.waitWhileBlocked(endpoint, retry, lastError);
      try {
        return await this.budget.acquire({ whilePaused: "report", ...(narrowedPolicy ? { maxWaitMs: retry.maxDelayMs } : {}) });
      } catch (error) {
        if (error instanceof BudgetPausedError) {
          this.blockedUntil = Math.max(this.blockedUntil, Date.now() + error.remainingMs);
          continue;
        }
        if (error instanceof BudgetWaitError) {
          throw (
            lastError ??
            new ChargebeeApiError({
              httpStatus: 429,
              apiErrorCode: "api_request_limit_exceeded",
              message: `The site's request budget (CHARGEBEE_REQUESTS_PER_MINUTE) has no room within ${retry.maxDelayMs} ms; ${endpoint} does not wait that long`,
              retryAfterMs: error.waitMs,
              endpoint,
            })
          );
        }
        throw error;
      }
    }
  }

  /**
   * Waits while the site is blocked after a 429. A call whose policy waits less than the block (a narrowed per-call
   * policy; the client's own blocks never last longer than its maxDelayMs) gives up with the 429 instead.
   */
  private async waitWhileBlocked(endpoint: string, retry: ChargebeeRetryPolicy, lastError: ChargebeeApiError | undefined): Promise<void> {
    const blocked = this.blockedUntil - Date.now();
    if (blocked <= 0) return;
    if (blocked > retry.maxDelayMs) {
      throw (
        lastError ??
        new ChargebeeApiError({
          httpStatus: 429,
          apiErrorCode: "api_request_limit_exceeded",
          message: `Chargebee blocks this site for another ${Math.ceil(blocked / 1000)} s after a 429; ${endpoint} does not wait that long`,
          retryAfterMs: blocked,
          endpoint,
        })
      );
    }
    await this.budget.sitOut(blocked, () => this.sleep(blocked));
  }

  private retryDelay(error: ChargebeeApiError, attempt: number, retry: ChargebeeRetryPolicy): number {
    if (error.retryAfterMs !== undefined) return Math.min(retry.maxDelayMs, error.retryAfterMs);
    let backoff = retry.baseDelayMs * 2 ** attempt;
    // A 429 without Retry-After: Chargebee blocks the site for about a minute, so quick retries only burn attempts.
    if (error.httpStatus === 429) backoff = Math.max(backoff, RATE_LIMIT_STEP_MS * (attempt + 1));
    const capped = Math.min(retry.maxDelayMs, backoff);
    // "Equal jitter": at least half the backoff, so a crowd of clients spreads out but none retries at once.
    return Math.round(capped / 2 + Math.random() * (capped / 2));
  }

  // ---------------------------------------------------------------- streamed reads

  /**
   * Streams one resource page by page (limit 100, next_offset). With updatedAfter: `updated_at[between]` windows
   * from updatedAfter − overlap to updatedBefore (default now), sorted by an immutable key; without: every record.
   * Records are de-duplicated by id and resource_version across pages and windows. Deleted records: include_deleted
   * for customers, invoices and orders; a second `status[is]=deleted` pass for items and item prices (their lists
   * have no include_deleted); item family deletions arrive only as events.
   */
  async *read<R extends ChargebeeReadableResource>(
    resource: R,
    options: ChargebeeReadOptions = {},
  ): AsyncGenerator<ChargebeePage<ChargebeeResourceMap[R]>> {
    const spec = this.specs[resource];
    if (!spec) throw new Error(`Unknown Chargebee resource "${resource}"`);
    const includeDeleted = options.includeDeleted ?? true;
    const readUntil = options.updatedBefore !== undefined ? toEpochSeconds(options.updatedBefore) : Math.floor(Date.now() / 1000);
    const seen = new Map<string, number>();
    let highWatermark: number | null = null;
    const windows = this.windowsFor(
      options.updatedAfter,
      readUntil,
      options.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS,
      options.windowSeconds ?? 30 * 86_400,
    );
    const passes: ListParams[] = [{}];
    if (includeDeleted && spec.deletedByStatus && !options.filters?.status) passes.push({ status: { is: "deleted" } });
    for (const [window, pass] of windows.flatMap((w) => passes.map((p) => [w, p] as const))) {
      const base: ListParams = { ...options.filters, ...pass, limit: clampLimit(options.limit) };
      if (includeDeleted && spec.supportsIncludeDeleted) base.include_deleted = true;
      if (spec.sort) base["sort_by[asc]"] = spec.sort;
      if (window) base.updated_at = { between: this.timestampPair(window.from, window.to) };
      const fetchPage = (offset?: string) => this.request(spec.endpoint, () => spec.list(offset ? { ...base, offset } : { ...base }, {}));
      for await (const page of this.pages(fetchPage)) {
        const records: ChargebeeResourceMap[R][] = [];
        for (const entry of page.list) {
          const record = entry[spec.key] as Record<string, unknown> & { id: string };
          const version = versionOf(record);
          const previous = seen.get(record.id);
          if (previous !== undefined && previous >= version) continue;
          seen.set(record.id, version);
          const updatedAt = typeof record.updated_at === "number" ? record.updated_at : null;
          if (updatedAt !== null && (highWatermark === null || updatedAt > highWatermark)) highWatermark = updatedAt;
          records.push(record as unknown as ChargebeeResourceMap[R]);
        }
        yield { resource, records, received: page.list.length, window, highWatermark, readUntil };
      }
    }
  }

  /**
   * Follows next_offset. The next page is requested as soon as this one arrives (one page ahead, never more), so the
   * consumer's work on a page overlaps the API's work on the next. A consumer that stops early may leave that one
   * prefetched call made and unused.
   */
  private async *pages<T>(fetchPage: (offset?: string) => Promise<ListResult<T>>): AsyncGenerator<ListResult<T>> {
    let pending: Promise<ListResult<T>> | null = fetchPage();
    try {
      while (pending) {
        const page: ListResult<T> = await pending;
        pending = page.next_offset ? fetchPage(page.next_offset) : null;
        pending?.catch(() => undefined); // surfaced by the await above on the next turn, not as an unhandled rejection
        yield page;
      }
    } finally {
      if (pending) await pending.catch(() => undefined);
    }
  }

  readCustomers(options?: ChargebeeReadOptions) {
    return this.read("customer", options);
  }

  /** Events by occurred_at (ascending), optionally of some types only, in windows like read(). */
  async *readEvents(options: ChargebeeEventReadOptions = {}): AsyncGenerator<ChargebeePage<Event>> {
    const readUntil = options.occurredBefore !== undefined ? toEpochSeconds(options.occurredBefore) : Math.floor(Date.now() / 1000);
    const seen = new Set<string>();
    let highWatermark: number | null = null;
    // Events are immutable and sorted by occurred_at, so one window is enough.
    for (const window of this.windowsFor(
      options.occurredAfter,
      readUntil,
      options.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS,
      Number.MAX_SAFE_INTEGER,
    )) {
      const base: ListParams = { limit: clampLimit(options.limit), "sort_by[asc]": "occurred_at" };
      if (window) base.occurred_at = { between: this.timestampPair(window.from, window.to) };
      // The SDK's Zod schema types event_type[in] as one enum value (a generator slip), so with validation on a
      // single type goes as event_type[is] and several are filtered here instead of on the server.
      const types = options.eventTypes ?? [];
      if (types.length === 1 && this.validation) base.event_type = { is: types[0]! };
      else if (types.length > 0 && !this.validation) base.event_type = { in: [...types] };
      const wanted = types.length > 1 && this.validation ? new Set(types) : null;
      const fetchPage = (offset?: string) =>
        this.request("event.list", () => this.sdk.event.list((offset ? { ...base, offset } : { ...base }) as Event.ListInputParam));
      for await (const page of this.pages(fetchPage)) {
        const records: Event[] = [];
        for (const { event } of page.list) {
          if (seen.has(event.id) || (wanted && !wanted.has(event.event_type ?? ""))) continue;
          seen.add(event.id);
          if (highWatermark === null || event.occurred_at > highWatermark) highWatermark = event.occurred_at;
          records.push(event);
        }
        yield { resource: "event", records, received: page.list.length, window, highWatermark, readUntil };
      }
    }
  }

  /**
   * One event by id, or null when Chargebee has none (404 resource_not_found). `retry` narrows the client's retry
   * policy for this call (never more retries or longer waits), e.g. for a caller that must answer within seconds
   * and will be asked again later.
   */
  async retrieveEvent(id: string, options: { retry?: Partial<ChargebeeRetryPolicy> } = {}): Promise<Event | null> {
    return this.orNull(async () => (await this.request("event.retrieve", () => this.sdk.event.retrieve(id), undefined, options.retry)).event);
  }

  private windowsFor(after: Date | number | undefined, until: number, overlap: number, size: number): Array<{ from: number; to: number } | null> {
    if (after === undefined) return [null];
    const windows: Array<{ from: number; to: number }> = [];
    const start = Math.max(MIN_TIMESTAMP, toEpochSeconds(after) - Math.max(0, overlap));
    const step = Math.max(1, Math.floor(size));
    for (let from = start; from <= until; from += step) windows.push({ from, to: Math.min(until, from + step - 1) });
    if (windows.length === 0) windows.push({ from: until, to: until }); // updatedAfter in the future: an empty read
    return windows;
  }

  /** The SDK's types want numbers, its Zod schemas a string "[t1,t2]"; the wire form is the JSON array either way. */
  private timestampPair(from: number, to: number): unknown {
    return this.validation ? `[${from},${to}]` : [from, to];
  }

  private async orNull<T>(run: () => Promise<T>): Promise<T | null> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ChargebeeApiError && error.isNotFound) return null;
      throw error;
    }
  }

  /**
   * Creates a record with our own id; if it exists already (duplicate_entry, e.g. a retry after a crash), returns the
   * stored one flagged `existing`.
   */
  private async createWithOwnId<T>(
    create: () => Promise<{ record: T; replayed: boolean }>,
    retrieve: () => Promise<T | null>,
  ): Promise<ChargebeeCreateResult<T>> {
    try {
      const { record, replayed } = await create();
      return { record, existing: false, replayed };
    } catch (error) {
      if (!(error instanceof ChargebeeApiError) || !error.isDuplicate) throw error;
      const existing = await retrieve();
      if (existing === null) {
        throw new ChargebeeApiError({
          httpStatus: error.httpStatus,
          apiErrorCode: error.apiErrorCode,
          param: error.param,
          message: `${error.message}; the id is taken but the record cannot be retrieved (deleted?). Use another id or restore the record in Chargebee`,
          endpoint: error.endpoint,
          cause: error,
        });
      }
      return { record: existing, existing: true, replayed: false };
    }
  }

  // ---------------------------------------------------------------- customers

  async listCustomers(params: Customer.ListInputParam = {}): Promise<{ customers: Customer[]; nextOffset?: string }> {
    const page = await this.request("customer.list", () => this.sdk.customer.list({ limit: 100, ...params }));
    return { customers: page.list.map((entry) => entry.customer), nextOffset: page.next_offset };
  }

  async retrieveCustomer(id: string): Promise<Customer | null> {
    return this.orNull(async () => (await this.request("customer.retrieve", () => this.sdk.customer.retrieve(id))).customer);
  }

  async createCustomer(
    input: Customer.CreateInputParam & { id: string },
    options: ChargebeeWriteOptions = {},
  ): Promise<ChargebeeCreateResult<Customer>> {
    if (input.id.length > MAX_CUSTOMER_ID_LENGTH)
      throw new Error(`Chargebee customer ids have at most ${MAX_CUSTOMER_ID_LENGTH} characters: "${input.id}"`);
    return this.createWithOwnId(
      async () => {
        const response = await this.request("customer.create", (headers) => this.sdk.customer.create(input, headers), { ...options, params: input });
        return { record: response.customer, replayed: isReplayed(response.isIdempotencyReplayed) };
      },
      () => this.retrieveCustomer(input.id),
    );
  }

  async updateCustomer(id: string, input: Customer.UpdateInputParam, options: ChargebeeWriteOptions = {}): Promise<Customer> {
    return (await this.request("customer.update", (headers) => this.sdk.customer.update(id, input, headers), { ...options, params: { id, input } }))
      .customer;
  }

  /** The billing address and VAT fields: Chargebee changes them only through update_billing_info, never through update. */
  async updateCustomerBillingInfo(id: string, input: Customer.UpdateBillingInfoInputParam, options: ChargebeeWriteOptions = {}): Promise<Customer> {
    return (
      await this.request("customer.update_billing_info", (headers) => this.sdk.customer.updateBillingInfo(id, input, headers), {
        ...options,
        params: { id, input },
      })
    ).customer;
  }

  // ---------------------------------------------------------------- catalogue

  async retrieveItemFamily(id: string): Promise<ItemFamily | null> {
    return this.orNull(async () => (await this.request("itemFamily.retrieve", () => this.sdk.itemFamily.retrieve(id))).item_family);
  }

  async createItemFamily(input: ItemFamily.CreateInputParam, options: ChargebeeWriteOptions = {}): Promise<ChargebeeCreateResult<ItemFamily>> {
    return this.createWithOwnId(
      async () => {
        const response = await this.request("itemFamily.create", (headers) => this.sdk.itemFamily.create(input, headers), {
          ...options,
          params: input,
        });
        return { record: response.item_family, replayed: isReplayed(response.isIdempotencyReplayed) };
      },
      () => this.retrieveItemFamily(input.id),
    );
  }

  async retrieveItem(id: string): Promise<Item | null> {
    return this.orNull(async () => (await this.request("item.retrieve", () => this.sdk.item.retrieve(id))).item);
  }

  /** A charge item by default (one-off sales, as PowerOffice products are). */
  async createItem(
    input: Omit<Item.CreateInputParam, "type"> & { type?: Item.CreateInputParam["type"] },
    options: ChargebeeWriteOptions = {},
  ): Promise<ChargebeeCreateResult<Item>> {
    const params: Item.CreateInputParam = { ...input, type: input.type ?? "charge" };
    return this.createWithOwnId(
      async () => {
        const response = await this.request("item.create", (headers) => this.sdk.item.create(params, headers), { ...options, params });
        return { record: response.item, replayed: isReplayed(response.isIdempotencyReplayed) };
      },
      () => this.retrieveItem(input.id),
    );
  }

  async updateItem(id: string, input: Item.UpdateInputParam, options: ChargebeeWriteOptions = {}): Promise<Item> {
    return (await this.request("item.update", (headers) => this.sdk.item.update(id, input, headers), { ...options, params: { id, input } })).item;
  }

  async retrieveItemPrice(id: string): Promise<ItemPrice | null> {
    return this.orNull(async () => (await this.request("itemPrice.retrieve", () => this.sdk.itemPrice.retrieve(id))).item_price);
  }

  /** An item price (per unit, no period: a charge) so invoice lines can point at the item in this currency. */
  async createItemPrice(
    input: { itemId: string; currencyCode: string; price?: number; id?: string; name?: string; taxProfileId?: string; description?: string },
    options: ChargebeeWriteOptions = {},
  ): Promise<ChargebeeCreateResult<ItemPrice>> {
    const id = input.id ?? itemPriceIdFor(input.itemId, input.currencyCode);
    const params: ItemPrice.CreateInputParam = {
      id,
      item_id: input.itemId,
      name: input.name ?? id,
      currency_code: input.currencyCode.toUpperCase(),
      pricing_model: "per_unit",
      price: input.price ?? 0,
      ...(input.description ? { description: input.description } : {}),
      ...(input.taxProfileId ? { tax_detail: { tax_profile_id: input.taxProfileId } } : {}),
    };
    return this.createWithOwnId(
      async () => {
        const response = await this.request("itemPrice.create", (headers) => this.sdk.itemPrice.create(params, headers), { ...options, params });
        return { record: response.item_price, replayed: isReplayed(response.isIdempotencyReplayed) };
      },
      () => this.retrieveItemPrice(id),
    );
  }

  // ---------------------------------------------------------------- invoices and orders

  /**
   * An invoice carrying the order's lines: `POST /invoices/create_for_charge_items_and_charges`. `reference` goes
   * into po_number so findInvoiceByReference can find the invoice after a crash between the call and our commit.
   */
  async createInvoiceForCharges(input: ChargebeeInvoiceForChargesInput, options: ChargebeeWriteOptions = {}): Promise<Invoice> {
    if (input.lines.length === 0) throw new Error("An invoice needs at least one line");
    for (const [index, line] of input.lines.entries()) {
      if (!Number.isInteger(line.unitPrice) || line.unitPrice < 0)
        throw new Error(`Line ${index + 1}: unitPrice must be a whole number of minor units ≥ 0, got ${line.unitPrice}`);
      if (!Number.isInteger(line.quantity) || line.quantity < 1)
        throw new Error(`Line ${index + 1}: quantity must be a whole number ≥ 1, got ${line.quantity}`);
    }
    // The SDK's TS types take an array of line objects; its Zod schemas take an object of arrays. Both encode to the
    // same form body (item_prices[unit_price][0]=…), so the object-of-arrays form works with validation on or off.
    const column = <K extends keyof (typeof input.lines)[number]>(key: K) => input.lines.map((line) => line[key]);
    const itemPrices = {
      item_price_id: column("itemPriceId"),
      quantity: column("quantity"),
      unit_price: column("unitPrice"),
      ...(input.lines.some((line) => line.description) ? { description: input.lines.map((line) => line.description ?? "") } : {}),
      ...(input.lines.some((line) => line.dateFrom !== undefined) ? { date_from: column("dateFrom") } : {}),
      ...(input.lines.some((line) => line.dateTo !== undefined) ? { date_to: column("dateTo") } : {}),
    };
    const params = {
      customer_id: input.customerId,
      currency_code: input.currencyCode.toUpperCase(),
      auto_collection: input.autoCollection ?? "off",
      ...(input.reference ? { po_number: input.reference } : {}),
      ...(input.invoiceDate !== undefined ? { invoice_date: toEpochSeconds(input.invoiceDate) } : {}),
      ...(input.netTermDays !== undefined ? { net_term_days: input.netTermDays } : {}),
      ...(input.invoiceNote ? { invoice_note: input.invoiceNote } : {}),
      item_prices: itemPrices,
    } as unknown as Invoice.CreateForChargeItemsAndChargesInputParam;
    const response = await this.request(
      "invoice.createForChargeItemsAndCharges",
      (headers) => this.sdk.invoice.createForChargeItemsAndCharges(params, headers),
      { ...options, params },
    );
    return response.invoice;
  }

  /** The customer's invoice whose po_number is our reference (newest first, up to `maxPages` pages), or null. */
  async findInvoiceByReference(customerId: string, reference: string, maxPages = 10): Promise<Invoice | null> {
    let offset: string | undefined;
    for (let page = 0; page < maxPages; page += 1) {
      const params: Invoice.ListInputParam = { limit: 100, customer_id: { is: customerId }, "sort_by[desc]": "date", ...(offset ? { offset } : {}) };
      const result = await this.request("invoice.list", () => this.sdk.invoice.list(params));
      const found = result.list.find((entry) => entry.invoice.po_number === reference);
      if (found) return found.invoice;
      offset = result.next_offset;
      if (!offset) return null;
    }
    return null;
  }

  /** The order for an invoice, with our id (≤ 40 chars); its line items come from the invoice's lines. */
  async createOrderForInvoice(input: ChargebeeOrderInput, options: ChargebeeWriteOptions = {}): Promise<ChargebeeCreateResult<Order>> {
    if (input.id !== undefined && input.id.length > MAX_ORDER_ID_LENGTH) {
      throw new Error(`Chargebee order ids have at most ${MAX_ORDER_ID_LENGTH} characters: "${input.id}"`);
    }
    const params: Order.CreateInputParam = {
      invoice_id: input.invoiceId,
      ...(input.id ? { id: input.id } : {}),
      ...(input.referenceId ? { reference_id: input.referenceId } : {}),
      ...(input.status ? { status: input.status } : {}),
      ...(input.note ? { note: input.note } : {}),
    };
    return this.createWithOwnId(
      async () => {
        const response = await this.request("order.create", (headers) => this.sdk.order.create(params, headers), { ...options, params });
        return { record: response.order, replayed: isReplayed(response.isIdempotencyReplayed) };
      },
      async () => (input.id ? this.retrieveOrder(input.id) : null),
    );
  }

  async retrieveOrder(id: string): Promise<Order | null> {
    return this.orNull(async () => (await this.request("order.retrieve", () => this.sdk.order.retrieve(id))).order);
  }

  // ---------------------------------------------------------------- business entities

  /**
   * Business entities as the events tell them (Chargebee has no list endpoint): the latest state per id from
   * business_entity_created/updated/deleted events since `occurredAfter` (default: all retained events).
   */
  async learnBusinessEntities(options: { occurredAfter?: Date | number } = {}): Promise<Map<string, BusinessEntity>> {
    const entities = new Map<string, BusinessEntity>();
    const types = ["business_entity_created", "business_entity_updated", "business_entity_deleted"];
    for await (const page of this.readEvents({ occurredAfter: options.occurredAfter, eventTypes: types })) {
      for (const event of page.records) {
        const entity = (event.content as { business_entity?: BusinessEntity }).business_entity;
        if (!entity) continue;
        const known = entities.get(entity.id);
        if (known && versionOf(known as unknown as Record<string, unknown>) > versionOf(entity as unknown as Record<string, unknown>)) continue;
        entities.set(entity.id, event.event_type === "business_entity_deleted" ? { ...entity, deleted: true } : entity);
      }
    }
    return entities;
  }
}

/**
 * `[{id:"a",status:"x"},{id:"b"}]` → `{id:["a","b"],status:["x",undefined]}`: the SDK's Zod schemas describe arrays of
 * objects column-wise; the form encoding (`order_line_items[id][0]=a`) is the same either way.
 */
export function toColumns<T extends object>(rows: readonly T[]): Record<string, unknown[]> {
  const columns: Record<string, unknown[]> = {};
  rows.forEach((row, index) => {
    for (const [key, value] of Object.entries(row)) {
      columns[key] ??= [];
      columns[key]![index] = value;
    }
  });
  return columns;
}

/** A per-call policy never retries more, or waits longer, than the client's own. */
function narrowed(policy: ChargebeeRetryPolicy, override: Partial<ChargebeeRetryPolicy>): ChargebeeRetryPolicy {
  return {
    maxRetries: Math.min(policy.maxRetries, override.maxRetries ?? Infinity),
    baseDelayMs: Math.min(policy.baseDelayMs, override.baseDelayMs ?? Infinity),
    maxDelayMs: Math.min(policy.maxDelayMs, override.maxDelayMs ?? Infinity),
  };
}

function clampLimit(limit: number | undefined): number {
  return Math.min(100, Math.max(1, Math.floor(limit ?? 100)));
}

/** resource_version when present (monotonic per record), else updated_at, else 0. */
export function versionOf(record: Record<string, unknown>): number {
  if (typeof record.resource_version === "number") return record.resource_version;
  if (typeof record.updated_at === "number") return record.updated_at * 1000;
  return 0;
}

function isReplayed(flag: boolean | string | undefined): boolean {
  return flag === true || flag === "true";
}

function outcomeOf(error: ChargebeeApiError): ChargebeeOutcome {
  if (error.apiErrorCode === "timeout") return "timeout";
  if (error.httpStatus === 0) return "network_error";
  if (error.httpStatus === 429) return "rate_limited";
  if (error.httpStatus >= 500) return "server_error";
  return "client_error";
}

/** Builds the client from the app's Chargebee configuration (or the sandbox's clientConfig). */
export function createChargebeeClient(config: ChargebeeClientConfig, options: ChargebeeClientOptions = {}): ChargebeeClient {
  return new ChargebeeClient(config, options);
}
