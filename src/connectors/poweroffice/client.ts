/**
 * PowerOffice Go API v2 client: OAuth2 client credentials, a client-side rate budget, retries with capped
 * exponential backoff and jitter, streamed paging, typed errors, and per-endpoint request counts.
 */
import type { PowerOfficeConfig } from "../../config/config.js";
import { silentLogger, type Logger } from "../../logging/logger.js";
import { POWEROFFICE_SANDBOX_DEMO_KEYS, type PowerOfficeKeys } from "./demo-keys.js";
import { PowerOfficeApiError, PowerOfficeAuthError, PowerOfficeConfigError, PowerOfficeNetworkError, readProblemDetails } from "./errors.js";
import type { JsonPatchOperation } from "./json-patch.js";
export type { FetchLike } from "./node-http-fetch.js";
import { nodeHttpTransport, transportFromFetch, type FetchLike, type Transport, type TransportResponse } from "./node-http-fetch.js";
import { AccountBudget, type BudgetGrant, type BudgetStateStore, type BudgetWaitNow } from "../rate-budget/index.js";
import { powerOfficeBudgetKey, powerOfficeBudgetLimits, powerOfficeBudgetRate } from "./rate-budget.js";
import { RequestCounter, type PowerOfficeRequestStats, type RequestOutcome } from "./request-stats.js";
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  RESOURCE_ROUTES,
  fillTemplate,
  filterQuery,
  recordPath,
  type ListOptions,
  type ListOptionsOf,
} from "./resources.js";
import { DEFAULT_RETRY_POLICY, isRetryableStatus, retryDelayMs, serverRetryHintMs, type RetryPolicy } from "./retry-policy.js";
import type {
  ContactPerson,
  CreatedOf,
  Customer,
  Employee,
  KeyOf,
  PatchFieldOf,
  PostOf,
  PowerOfficeResourceName,
  RecordOf,
  SalesOrder,
  SalesOrderComplete,
  SalesOrderLine,
  SalesOrderLinePatchField,
  TokenResponse,
} from "./types.js";

export interface PowerOfficeClientOptions {
  logger?: Logger;
  /** Sends requests through this fetch-compatible function instead of the built-in node:http transport (tests, proxies). */
  fetch?: FetchLike;
  retry?: Partial<RetryPolicy>;
  /** Per attempt; default 30 000 ms. */
  requestTimeoutMs?: number;
  /** Overrides config.requestsPerSecond; 0 turns the client-side budget off. */
  requestsPerSecond?: number;
  /** Renew the token this many seconds before it expires; default min(60, expires_in / 4). */
  tokenRenewalMarginSeconds?: number;
  /**
   * Retry a create (POST) after a 5xx or a lost connection. Off by default: PowerOffice has no idempotency key, so
   * the first attempt may have created the record; look it up (findCustomersByExternalImportReference, …) instead.
   * A 429 is always retried (the request was not processed).
   */
  retryCreatesAfterServerError?: boolean;
  /** Source of randomness for the backoff jitter (tests). */
  random?: () => number;
  /**
   * Where the subscription key's request budget is kept. A PostgreSQL store shares it with every process on that
   * database; default: a budget of this client's own.
   */
  budgetStore?: BudgetStateStore;
}

/** One JSON Patch operation allowed on resource R. */
export type PatchOperation<R extends PowerOfficeResourceName> = JsonPatchOperation<RecordOf<R>, PatchFieldOf<R>>;
export type SalesOrderLinePatchOperation = JsonPatchOperation<SalesOrderLine, SalesOrderLinePatchField>;

/** Extra positional argument of create(): the parent contact id for contact persons, nothing otherwise. */
export type CreateParentArgs<R extends PowerOfficeResourceName> = R extends "ContactPersons" ? [contactId: number] : [];

interface RequestSpec {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path template for the stats and errors, e.g. "/Customers/{id}". */
  template: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

interface CachedToken {
  value: string;
  renewAt: number;
}

const TOKEN_ENDPOINT = "POST /OAuth/Token";

function resolveKeys(config: PowerOfficeConfig): PowerOfficeKeys {
  const { applicationKey, clientKey, subscriptionKey } = config;
  if (applicationKey && clientKey && subscriptionKey) return { applicationKey, clientKey, subscriptionKey };
  if (config.mode === "sandbox" && !applicationKey && !clientKey && !subscriptionKey) return { ...POWEROFFICE_SANDBOX_DEMO_KEYS };
  throw new PowerOfficeConfigError(
    "PowerOffice keys are incomplete: set POWEROFFICE_APPLICATION_KEY, POWEROFFICE_CLIENT_KEY and POWEROFFICE_SUBSCRIPTION_KEY " +
      "(all three, from the same environment), or none of them to use the bundled sandbox",
  );
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || (error.name === "AbortError" && /timeout/i.test(String(error.message))));
}

export class PowerOfficeClient {
  readonly apiBaseUrl: string;
  readonly tokenUrl: string;
  private readonly keys: PowerOfficeKeys;
  private readonly transport: Transport;
  private readonly logger: Logger;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly budget: AccountBudget;
  private readonly counter = new RequestCounter();
  private readonly renewalMarginSeconds?: number;
  private readonly retryCreates: boolean;
  private readonly random: () => number;
  private token?: CachedToken;
  private tokenRequest?: Promise<CachedToken>;

  constructor(config: PowerOfficeConfig, options: PowerOfficeClientOptions = {}) {
    this.apiBaseUrl = config.apiBaseUrl.replace(/\/+$/, "");
    this.tokenUrl = config.tokenUrl;
    this.keys = resolveKeys(config);
    this.transport = options.fetch ? transportFromFetch(options.fetch) : nodeHttpTransport;
    this.logger = options.logger ?? silentLogger;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    const requestsPerSecond = options.requestsPerSecond ?? config.requestsPerSecond;
    this.budget = new AccountBudget({
      key: powerOfficeBudgetKey(this.apiBaseUrl, this.keys.subscriptionKey),
      limits: powerOfficeBudgetLimits(requestsPerSecond),
      rate: powerOfficeBudgetRate(requestsPerSecond),
      store: options.budgetStore,
      logger: this.logger,
    });
    this.renewalMarginSeconds = options.tokenRenewalMarginSeconds;
    this.retryCreates = options.retryCreatesAfterServerError ?? false;
    this.random = options.random ?? Math.random;
  }

  // ---- statistics ---------------------------------------------------------------------------------------------

  /** Request counts by endpoint ("GET /Customers") and outcome ("200", "429", "timeout", "network"). */
  stats(): PowerOfficeRequestStats {
    return this.counter.snapshot();
  }

  resetStats(): void {
    this.counter.reset();
  }

  /** What this client's callers wait for in the subscription key's budget now (rate or a 429), if any wait. */
  budgetWait(): BudgetWaitNow | undefined {
    return this.budget.currentWait();
  }

  /** Gives back what this client holds of the subscription key's budget. */
  async close(): Promise<void> {
    await this.budget.close();
  }

  /** A start within the budget; the time waited for it is counted as throttled. */
  private async startWithinBudget(): Promise<BudgetGrant> {
    const grant = await this.budget.acquire();
    if (grant.waitedMs > 0) this.counter.addThrottled(grant.waitedMs);
    return grant;
  }

  // ---- generic operations over the six resources ----------------------------------------------------------------

  /** Streams the records of `resource` page by page (PageNumber 1, 2, …) until a short page or a 204. */
  async *pages<R extends PowerOfficeResourceName>(resource: R, options: ListOptionsOf<R> = {} as ListOptionsOf<R>): AsyncGenerator<RecordOf<R>[]> {
    yield* this.pagesOf<RecordOf<R>>(`/${resource}`, `/${resource}`, options, filterQuery(options as Record<string, unknown>));
  }

  /** Streams single records (a convenience over pages()). */
  async *records<R extends PowerOfficeResourceName>(resource: R, options: ListOptionsOf<R> = {} as ListOptionsOf<R>): AsyncGenerator<RecordOf<R>> {
    for await (const page of this.pages(resource, options)) yield* page;
  }

  async get<R extends PowerOfficeResourceName>(resource: R, key: KeyOf<R>): Promise<RecordOf<R>> {
    const template = RESOURCE_ROUTES[resource].recordTemplate;
    return this.expectBody<RecordOf<R>>({ method: "GET", template, path: recordPath(resource, key) });
  }

  /** POST; sales orders are created with their lines through POST /SalesOrders/Complete. */
  async create<R extends PowerOfficeResourceName>(resource: R, body: PostOf<R>, ...parent: CreateParentArgs<R>): Promise<CreatedOf<R>> {
    const template = RESOURCE_ROUTES[resource].createTemplate;
    const [contactId] = parent as [number?];
    if (resource === "ContactPersons" && contactId === undefined) {
      throw new TypeError('create("ContactPersons", body, contactId) needs the parent contact id');
    }
    const path = resource === "ContactPersons" ? fillTemplate(template, { contactId: contactId! }) : template;
    return this.expectBody<CreatedOf<R>>({ method: "POST", template, path, body, contentType: "application/json" });
  }

  /** PATCH with a JSON Patch document; returns the updated record. */
  async patch<R extends PowerOfficeResourceName>(resource: R, key: KeyOf<R>, operations: PatchOperation<R>[]): Promise<RecordOf<R>> {
    const template = RESOURCE_ROUTES[resource].recordTemplate;
    return this.expectBody<RecordOf<R>>({
      method: "PATCH",
      template,
      path: recordPath(resource, key),
      body: operations,
      contentType: "application/json-patch+json",
    });
  }

  /** DELETE; a record still in use fails with PowerOfficeApiError status 409. */
  async delete<R extends PowerOfficeResourceName>(resource: R, key: KeyOf<R>): Promise<void> {
    const template = RESOURCE_ROUTES[resource].recordTemplate;
    await this.request({ method: "DELETE", template, path: recordPath(resource, key) });
  }

  // ---- sales orders with their lines ---------------------------------------------------------------------------

  /** Header and lines in one call (GET /SalesOrders/{id}/Complete). */
  getSalesOrderComplete(salesOrderId: string): Promise<SalesOrderComplete> {
    return this.expectBody<SalesOrderComplete>({
      method: "GET",
      template: "/SalesOrders/{id}/Complete",
      path: fillTemplate("/SalesOrders/{id}/Complete", { id: salesOrderId }),
    });
  }

  // ---- lookups for crash recovery (find a record we may have created) -------------------------------------------

  findCustomersByExternalImportReference(externalImportReference: string): Promise<Customer[]> {
    return this.collect(this.pages("Customers", { externalImportReference }));
  }

  findEmployeesByExternalImportReference(externalImportReference: string): Promise<Employee[]> {
    return this.collect(this.pages("Employees", { externalImportReference }));
  }

  /** By ExternalCode; narrow with the parent contact id when known. */
  findContactPersonsByExternalCode(externalCode: string, contactId?: number): Promise<ContactPerson[]> {
    return this.collect(
      this.pages("ContactPersons", { externalCodes: [externalCode], contactIds: contactId === undefined ? undefined : [contactId] }),
    );
  }

  /**
   * GET /SalesOrders has no ExternalImportReference filter (spec of March 2025), so this reads the orders created by
   * this integration (narrowed by customer number and change time when given) and filters them here.
   */
  async findSalesOrdersByExternalImportReference(
    externalImportReference: string,
    narrow: { customerNo?: number; changedSince?: string } = {},
  ): Promise<SalesOrder[]> {
    const found: SalesOrder[] = [];
    const options: ListOptionsOf<"SalesOrders"> = {
      onlyCreatedByCurrentIntegration: true,
      customerNos: narrow.customerNo === undefined ? undefined : String(narrow.customerNo),
      changedSince: narrow.changedSince,
    };
    for await (const page of this.pages("SalesOrders", options)) {
      for (const order of page) if (order.ExternalImportReference === externalImportReference) found.push(order);
    }
    return found;
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  private async collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
    const all: T[] = [];
    for await (const page of pages) all.push(...page);
    return all;
  }

  private async *pagesOf<T>(template: string, path: string, options: ListOptions, query: Record<string, string>): AsyncGenerator<T[]> {
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`);
    }
    const baseQuery = { ...query };
    if (options.changedSince !== undefined) baseQuery.lastChangedDateTimeOffsetGreaterThan = options.changedSince;
    if (options.orderBy !== undefined) baseQuery.OrderBy = options.orderBy;
    for (let pageNumber = 1; ; pageNumber += 1) {
      const { status, body } = await this.request({
        method: "GET",
        template,
        path,
        query: { ...baseQuery, PageNumber: String(pageNumber), PageSize: String(pageSize) },
        signal: options.signal,
      });
      if (status === 204 || body === undefined) return;
      if (!Array.isArray(body)) {
        throw new PowerOfficeApiError({
          status,
          title: "Unexpected list response",
          detail: "The list endpoint did not answer with a JSON array",
          endpoint: `GET ${template}`,
          retryable: false,
          attempts: 1,
        });
      }
      if (body.length === 0) return;
      yield body as T[];
      if (body.length < pageSize) return;
    }
  }

  private async expectBody<T>(spec: RequestSpec): Promise<T> {
    const { status, body } = await this.request(spec);
    if (body === undefined) {
      throw new PowerOfficeApiError({
        status,
        title: "Empty response",
        detail: "Expected a JSON body",
        endpoint: `${spec.method} ${spec.template}`,
        retryable: false,
        attempts: 1,
      });
    }
    return body as T;
  }

  private url(path: string, query?: Record<string, string>): string {
    const search = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : "";
    return `${this.apiBaseUrl}${path}${search}`;
  }

  /** One API call with the rate budget, token, retries and counting. */
  private async request(spec: RequestSpec): Promise<{ status: number; body: unknown }> {
    const endpoint = `${spec.method} ${spec.template}`;
    const isCreate = spec.method === "POST";
    let renewedAfter401 = false;
    let attempt = 0;
    for (;;) {
      attempt += 1;
      // Token first, then the budget slot: a slot taken before a token request would be spent twice.
      const token = await this.accessToken();
      const grant = await this.startWithinBudget();
      const headers: Record<string, string> = {
        Authorization: `Bearer ${token.value}`,
        "Ocp-Apim-Subscription-Key": this.keys.subscriptionKey,
        Accept: "application/json",
      };
      if (spec.contentType) headers["Content-Type"] = spec.contentType;
      let response: TransportResponse;
      try {
        response = await this.transport(this.url(spec.path, spec.query), {
          method: spec.method,
          headers,
          body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
          signal: this.attemptSignal(spec.signal),
        });
      } catch (error) {
        grant.release();
        if (spec.signal?.aborted) throw error;
        const kind = isTimeout(error) ? "timeout" : "network";
        this.counter.record(endpoint, kind, attempt > 1);
        const mayRetry = !isCreate || this.retryCreates;
        if (mayRetry && attempt < this.retry.maxAttempts) {
          const delay = retryDelayMs(this.retry, attempt, undefined, this.random);
          this.logger.warn({ endpoint, attempt, kind, delayMs: delay }, "PowerOffice request failed; retrying");
          await sleep(delay);
          continue;
        }
        throw new PowerOfficeNetworkError({
          endpoint,
          kind,
          attempts: attempt,
          cause: error,
          message:
            isCreate && !this.retryCreates
              ? `PowerOffice ${endpoint} ${kind === "timeout" ? "timed out" : "lost the connection"}; the record may have been created. Look it up by its external reference before creating it again`
              : undefined,
        });
      }
      const status = response.status;
      this.counter.record(endpoint, String(status) as RequestOutcome, attempt > 1);
      const text = await response.text().finally(() => grant.release());
      const body = text.length > 0 ? this.parseJson(text) : undefined;
      if (status >= 200 && status < 300) return { status, body };

      const problem = readProblemDetails(body);
      if (status === 401 && !renewedAfter401) {
        renewedAfter401 = true;
        this.invalidateToken(token);
        attempt -= 1; // a renewal is not a retry of a failure
        this.logger.info({ endpoint }, "PowerOffice answered 401; renewing the token once");
        continue;
      }
      if (status === 401 || status === 403) {
        throw new PowerOfficeAuthError({
          status,
          title: problem.title ?? (status === 401 ? "Unauthorized" : "Forbidden"),
          detail:
            problem.detail ??
            (status === 401
              ? "The access token or subscription key was refused; check the three PowerOffice keys"
              : "The integration lacks the privilege for this endpoint; grant it in PowerOffice Go (Settings → Extensions)"),
          type: problem.type,
          instance: problem.instance,
          endpoint,
          retryable: false,
          attempts: attempt,
        });
      }
      const retryable = isRetryableStatus(status);
      const hint = retryable ? serverRetryHintMs(response.header("retry-after"), problem.detail) : undefined;
      if (status === 429) this.budget.pause(hint ?? 1000);
      const mayRetry = retryable && (status === 429 || !isCreate || this.retryCreates);
      if (mayRetry && attempt < this.retry.maxAttempts) {
        const delay = retryDelayMs(this.retry, attempt, hint, this.random);
        this.logger.warn({ endpoint, attempt, status, delayMs: delay }, "PowerOffice request failed; retrying");
        await (status === 429 ? this.budget.sitOut(delay, () => sleep(delay)) : sleep(delay));
        continue;
      }
      throw new PowerOfficeApiError({
        status,
        title: problem.title || response.statusText || `HTTP ${status}`,
        detail: problem.detail ?? "",
        type: problem.type,
        instance: problem.instance,
        endpoint,
        retryable,
        attempts: attempt,
      });
    }
  }

  private attemptSignal(caller?: AbortSignal): AbortSignal {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return caller ? AbortSignal.any([caller, timeout]) : timeout;
  }

  private parseJson(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      return { detail: text.slice(0, 500) };
    }
  }

  private invalidateToken(used: CachedToken): void {
    if (this.token === used) this.token = undefined;
  }

  /** The cached token, or one new token request shared by every concurrent caller. */
  private async accessToken(): Promise<CachedToken> {
    if (this.token && Date.now() < this.token.renewAt) return this.token;
    if (!this.tokenRequest) {
      // Not tied to one caller's abort signal: the request is shared by every caller waiting for it.
      this.tokenRequest = this.requestToken()
        .then((token) => {
          this.token = token;
          return token;
        })
        .finally(() => {
          this.tokenRequest = undefined;
        });
    }
    return this.tokenRequest;
  }

  private async requestToken(): Promise<CachedToken> {
    const basic = Buffer.from(`${this.keys.applicationKey}:${this.keys.clientKey}`).toString("base64");
    let attempt = 0;
    for (;;) {
      attempt += 1;
      const grant = await this.startWithinBudget();
      let response: TransportResponse;
      try {
        response = await this.transport(this.tokenUrl, {
          method: "POST",
          headers: {
            Authorization: `Basic ${basic}`,
            "Ocp-Apim-Subscription-Key": this.keys.subscriptionKey,
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            Accept: "application/json",
          },
          body: "grant_type=client_credentials",
          signal: this.attemptSignal(),
        });
      } catch (error) {
        grant.release();
        const kind = isTimeout(error) ? "timeout" : "network";
        this.counter.record(TOKEN_ENDPOINT, kind, attempt > 1);
        if (attempt < this.retry.maxAttempts) {
          await sleep(retryDelayMs(this.retry, attempt, undefined, this.random));
          continue;
        }
        throw new PowerOfficeNetworkError({ endpoint: TOKEN_ENDPOINT, kind, attempts: attempt, cause: error });
      }
      const status = response.status;
      this.counter.record(TOKEN_ENDPOINT, String(status) as RequestOutcome, attempt > 1);
      const text = await response.text().finally(() => grant.release());
      const body = text.length > 0 ? this.parseJson(text) : undefined;
      if (status === 200) {
        const token = body as TokenResponse;
        if (typeof token.access_token !== "string" || token.access_token === "") {
          throw new PowerOfficeAuthError({
            status,
            title: "Invalid token response",
            detail: "The token endpoint answered without an access_token; check POWEROFFICE_TOKEN_URL",
            endpoint: TOKEN_ENDPOINT,
            retryable: false,
            attempts: attempt,
          });
        }
        const lifetime = typeof token.expires_in === "number" && token.expires_in > 0 ? token.expires_in : 600;
        const margin = this.renewalMarginSeconds ?? Math.min(60, lifetime / 4);
        return { value: token.access_token, renewAt: Date.now() + Math.max(0, lifetime - margin) * 1000 };
      }
      const problem = readProblemDetails(body);
      if (isRetryableStatus(status) && attempt < this.retry.maxAttempts) {
        const hint = serverRetryHintMs(response.header("retry-after"), problem.detail);
        if (status === 429) this.budget.pause(hint ?? 1000);
        const delay = retryDelayMs(this.retry, attempt, hint, this.random);
        await (status === 429 ? this.budget.sitOut(delay, () => sleep(delay)) : sleep(delay));
        continue;
      }
      if (status === 400 || status === 401 || status === 403) {
        const oauthError = body && typeof body === "object" && "error" in body && typeof body.error === "string" ? body.error : undefined;
        throw new PowerOfficeAuthError({
          status,
          title: problem.title ?? "Token request refused",
          detail:
            `${problem.detail ?? "The keys were refused"}. Check POWEROFFICE_APPLICATION_KEY, POWEROFFICE_CLIENT_KEY and ` +
            "POWEROFFICE_SUBSCRIPTION_KEY: all three must come from the same PowerOffice environment (demo or production)",
          endpoint: TOKEN_ENDPOINT,
          retryable: false,
          attempts: attempt,
          oauthError,
        });
      }
      throw new PowerOfficeApiError({
        status,
        title: problem.title ?? `HTTP ${status}`,
        detail: problem.detail ?? "",
        endpoint: TOKEN_ENDPOINT,
        retryable: isRetryableStatus(status),
        attempts: attempt,
      });
    }
  }
}

/** Builds a client from the PowerOffice section of the app configuration (sandbox mode without keys → demo keys). */
export function createPowerOfficeClient(config: PowerOfficeConfig, options: PowerOfficeClientOptions = {}): PowerOfficeClient {
  return new PowerOfficeClient(config, options);
}

/** The key addressing `record` of `resource` (what get/patch/delete take). */
export function powerOfficeKeyOf<R extends PowerOfficeResourceName>(resource: R, record: RecordOf<R>): KeyOf<R> {
  if (resource === "ContactPersons") {
    const person = record as ContactPerson;
    return { contactId: person.ContactId!, id: person.Id! } as KeyOf<R>;
  }
  return (record as { Id?: number | string }).Id as KeyOf<R>;
}
