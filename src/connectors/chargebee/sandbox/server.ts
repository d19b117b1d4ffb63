import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "../../../logging/logger.js";
import { handleApiRequest } from "./api-routes.js";
import { SandboxApiError, wrongValue } from "./errors.js";
import type { FaultInjector } from "./faults.js";
import type { IdempotencyKeys } from "./idempotency-keys.js";
import { FormError, parseBracketParams, type FormObject } from "./form.js";
import type { RequestLog, SandboxRequestLogEntry } from "./request-log.js";
import { RawJson, type ChargebeeSandboxStore, type WriteContext } from "./store.js";

const API_PREFIX = "/api/v2/";
const MAX_BODY_BYTES = 1024 * 1024;

/** Sliding one-minute window of accepted API requests. */
export class SandboxRateLimiter {
  private arrivals: number[] = [];
  constructor(
    public requestsPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** null = accepted; a number = seconds the caller should wait. */
  admit(): number | null {
    if (this.requestsPerMinute <= 0) return null;
    const now = this.now();
    let drop = 0;
    while (drop < this.arrivals.length && this.arrivals[drop]! <= now - 60_000) drop += 1;
    if (drop) this.arrivals = this.arrivals.slice(drop);
    if (this.arrivals.length >= this.requestsPerMinute) return Math.max(1, Math.ceil((this.arrivals[0]! + 60_000 - now) / 1000));
    this.arrivals.push(now);
    return null;
  }

  reset(): void {
    this.arrivals = [];
  }
}

/**
 * A test's view of API requests as they are handled: "received" once the body is read (returning "drop" closes the
 * connection without processing the request), "answered" after the request was processed and before its answer
 * is sent. Lets a test stop a worker exactly before or after a write.
 */
export type SandboxRequestListener = (request: { phase: "received" | "answered"; method: string; path: string; status?: number }) => "drop" | void;

export interface SandboxHttpDeps {
  /** Called for every API request (see SandboxRequestListener). */
  listeners: Set<SandboxRequestListener>;
  store: ChargebeeSandboxStore;
  apiKey: string;
  faults: FaultInjector;
  log: RequestLog;
  limiter: SandboxRateLimiter;
  logger: Logger;
  /** How long idempotency keys are remembered. Chargebee: 30 minutes. */
  idempotencyWindowMs: number;
  idempotency: IdempotencyKeys;
  /**
   * Called before every answer: saves what the request changed (when the sandbox keeps saved state). A message
   * means the state cannot be saved and the answer becomes a 503 saying so.
   */
  beforeAnswer: () => string | undefined;
  admin: (request: { method: string; path: string; query: URLSearchParams; body: unknown }) => Promise<{ status: number; body: unknown }>;
  /** The API key's name as events name the user. */
  apiKeyName: string;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SandboxApiError(413, "invalid_request", "The request body is too large", undefined, "invalid_request");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function writeAnswer(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json;charset=utf-8", "content-length": String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

/** Chargebee does not always send Retry-After; an injected 429 with retryAfterSeconds 0 sends none. */
function retryAfter(seconds: number): Record<string, string> {
  return seconds > 0 ? { "retry-after": String(seconds) } : {};
}

function errorBody(error: SandboxApiError): string {
  return JSON.stringify(error.toJSON());
}

/**
 * The sandbox's HTTP front: admin surface under /_admin, the API under /api/v2 with faults, Basic auth, the
 * per-minute limit, idempotency keys and the request log, in that order.
 */
export function createSandboxRequestHandler(deps: SandboxHttpDeps) {
  const expectedAuth = digest(`${deps.apiKey}:`);
  const idempotency = deps.idempotency;
  const hanging = new Set<ServerResponse>();

  /** Every answer goes out here, once the request's changes are saved (or as a 503 when they cannot be). */
  function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    const failure = deps.beforeAnswer();
    if (failure === undefined) return writeAnswer(res, status, body, headers);
    writeAnswer(res, 503, errorBody(new SandboxApiError(503, "internal_temporary_error", failure, undefined, "operation_failed")));
  }

  function authorized(req: IncomingMessage): boolean {
    const match = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? "");
    if (!match) return false;
    const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
    // Chargebee takes the key as the username with an empty password; "key:" and "key" both identify it.
    return timingSafeEqual(digest(decoded.includes(":") ? decoded : `${decoded}:`), expectedAuth);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, started: number): Promise<void> {
    const method = req.method ?? "GET";
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const entry: Omit<SandboxRequestLogEntry, "id"> = {
      at: new Date(started).toISOString(),
      method,
      path: url.pathname,
      query: url.search,
      status: 0,
      durationMs: 0,
    };
    const idempotencyKey = method === "POST" ? header("chargebee-idempotency-key") : undefined;
    const businessEntityId = header("chargebee-business-entity-id");
    if (idempotencyKey) entry.idempotencyKey = idempotencyKey;
    if (businessEntityId) entry.businessEntityId = businessEntityId;
    if (header("chargebee-event-webhook") === "all-disabled") entry.webhookDisabled = true;
    const finish = (status: number, body: string, headers: Record<string, string> = {}, apiErrorCode?: string) => {
      entry.status = status;
      entry.durationMs = Date.now() - started;
      if (apiErrorCode) entry.apiErrorCode = apiErrorCode;
      deps.log.add(entry);
      send(res, status, body, headers);
    };
    const fail = (error: SandboxApiError, headers: Record<string, string> = {}) =>
      finish(error.httpStatus, errorBody(error), headers, error.apiErrorCode);

    const path = url.pathname.slice(API_PREFIX.length);
    const fault = deps.faults.next(method, `/${path}`);
    if (fault) entry.fault = fault.kind;
    switch (fault?.kind) {
      case "drop":
        entry.durationMs = Date.now() - started;
        deps.log.add(entry);
        req.socket.destroy();
        return;
      case "timeout":
        entry.durationMs = Date.now() - started;
        deps.log.add(entry);
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        return;
      case "server_error":
        return fail(
          new SandboxApiError(
            500,
            "internal_error",
            "Sorry, something went wrong when trying to process the request (injected fault)",
            undefined,
            "operation_failed",
          ),
        );
      case "unavailable":
        return fail(
          new SandboxApiError(
            503,
            "internal_temporary_error",
            "Sorry, the server is temporarily unable to handle the request (injected fault)",
            undefined,
            "operation_failed",
          ),
        );
      case "rate_limit":
        return fail(
          new SandboxApiError(
            429,
            "api_request_limit_exceeded",
            "Sorry, access has been blocked temporarily due to request count exceeding acceptable limits (injected fault)",
            undefined,
            "operation_failed",
          ),
          retryAfter(fault.retryAfterSeconds),
        );
      case "lock_timeout":
        return fail(
          new SandboxApiError(
            429,
            "lock_timeout",
            "Sorry, the resource is locked by another request; retry (injected fault)",
            undefined,
            "operation_failed",
          ),
          retryAfter(fault.retryAfterSeconds),
        );
      default:
        break;
    }

    if (!authorized(req)) {
      return fail(
        new SandboxApiError(401, "api_authentication_failed", "Sorry, authentication failed. Invalid api key", undefined, "invalid_request"),
        {
          "www-authenticate": 'Basic realm="chargebee-sandbox"',
        },
      );
    }
    const wait = deps.limiter.admit();
    if (wait !== null) {
      return fail(
        new SandboxApiError(
          429,
          "api_request_limit_exceeded",
          "Sorry, access has been blocked temporarily due to request count exceeding acceptable limits",
          undefined,
          "operation_failed",
        ),
        { "retry-after": String(wait) },
      );
    }
    if (method !== "GET" && method !== "POST") {
      return fail(new SandboxApiError(405, "http_method_not_supported", "Chargebee's API takes GET and POST only", undefined, "invalid_request"));
    }

    let rawBody: string;
    try {
      rawBody = method === "POST" ? await readBody(req) : "";
    } catch (error) {
      return fail(
        error instanceof SandboxApiError
          ? error
          : new SandboxApiError(400, "invalid_request", "The body could not be read", undefined, "invalid_request"),
      );
    }
    const notify = (phase: "received" | "answered", status?: number) => {
      let verdict: "drop" | void = undefined;
      for (const listener of deps.listeners) verdict = listener({ phase, method, path: url.pathname, status }) ?? verdict;
      return verdict;
    };
    if (notify("received") === "drop") {
      entry.durationMs = Date.now() - started;
      deps.log.add(entry);
      req.socket.destroy();
      return;
    }
    const fingerprint = `${method} ${url.pathname} ${rawBody}`;
    const now = Date.now();
    if (idempotencyKey !== undefined) {
      if (idempotencyKey.length > 100) return fail(wrongValue("chargebee-idempotency-key", "chargebee-idempotency-key has at most 100 characters"));
      const stored = idempotency.get(idempotencyKey, now);
      if (stored) {
        if (stored.fingerprint !== fingerprint) {
          return fail(
            new SandboxApiError(
              422,
              "unable_to_process_request",
              "This idempotency key was used with other parameters; use a new key for a new request",
              "chargebee-idempotency-key",
              "invalid_request",
            ),
          );
        }
        entry.replayed = true;
        return finish(stored.status, stored.body, { "chargebee-idempotency-replayed": "true" });
      }
    }

    const ctx: WriteContext = { source: "api", user: deps.apiKeyName, webhook: entry.webhookDisabled !== true };
    let status = 200;
    let body: string;
    let apiErrorCode: string | undefined;
    try {
      if (businessEntityId !== undefined) {
        if (!deps.store.businessEntityExists(businessEntityId)) {
          throw new SandboxApiError(
            400,
            "param_wrong_value",
            `Business entity ${businessEntityId} does not exist or is inactive`,
            "chargebee-business-entity-id",
            "invalid_request",
          );
        }
        ctx.businessEntityId = businessEntityId;
      }
      let query: FormObject;
      let form: FormObject;
      try {
        query = parseBracketParams(url.searchParams.entries());
        form = parseBracketParams(new URLSearchParams(rawBody).entries());
      } catch (error) {
        if (error instanceof FormError) throw wrongValue(error.param, error.message);
        throw error;
      }
      const segments = path
        .split("/")
        .filter((segment) => segment !== "")
        .map((segment) => decodeURIComponent(segment));
      const result = handleApiRequest(deps.store, { method: method as "GET" | "POST", segments, query, body: form, ctx });
      body = result instanceof RawJson ? result.text : JSON.stringify(result);
    } catch (error) {
      const apiError =
        error instanceof SandboxApiError
          ? error
          : new SandboxApiError(
              500,
              "internal_error",
              `Sandbox failure: ${error instanceof Error ? error.message : String(error)}`,
              undefined,
              "operation_failed",
            );
      if (!(error instanceof SandboxApiError)) deps.logger.error({ err: error, path: url.pathname }, "Chargebee sandbox handler failed");
      status = apiError.httpStatus;
      body = errorBody(apiError);
      apiErrorCode = apiError.apiErrorCode;
    }
    if (idempotencyKey !== undefined && status < 500 && status !== 429) {
      idempotency.set(idempotencyKey, { fingerprint, status, body, expiresAt: now + deps.idempotencyWindowMs }, now);
    }
    notify("answered", status);
    if (fault?.kind === "drop_after_write") {
      deps.beforeAnswer(); // the answer is lost, the write is not
      entry.status = status;
      entry.durationMs = Date.now() - started;
      deps.log.add(entry);
      req.socket.destroy();
      return;
    }
    finish(status, body, {}, apiErrorCode);
  }

  async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!authorized(req)) {
      send(res, 401, JSON.stringify({ error: "The admin surface takes the sandbox API key as Basic auth username" }), {
        "www-authenticate": 'Basic realm="chargebee-sandbox-admin"',
      });
      return;
    }
    let parsed: unknown = undefined;
    const raw = req.method === "POST" || req.method === "PUT" || req.method === "DELETE" ? await readBody(req) : "";
    if (raw.trim() !== "") {
      try {
        parsed = JSON.parse(raw);
      } catch {
        send(res, 400, JSON.stringify({ error: "Admin requests take JSON bodies" }));
        return;
      }
    }
    try {
      const result = await deps.admin({
        method: req.method ?? "GET",
        path: url.pathname.slice("/_admin".length) || "/",
        query: url.searchParams,
        body: parsed,
      });
      send(res, result.status, JSON.stringify(result.body, null, 2));
    } catch (error) {
      const status = error instanceof SandboxApiError ? error.httpStatus : 400;
      send(res, status, JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    }
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const started = Date.now();
    const url = new URL(req.url ?? "/", "http://sandbox.local");
    const work = url.pathname.startsWith(API_PREFIX)
      ? handleApi(req, res, url, started)
      : url.pathname === "/_admin" || url.pathname.startsWith("/_admin/")
        ? handleAdmin(req, res, url)
        : Promise.resolve(
            send(
              res,
              404,
              JSON.stringify({
                message: `Nothing at ${url.pathname}: the API is at /api/v2, the admin surface at /_admin`,
                api_error_code: "resource_not_found",
                http_status_code: 404,
              }),
            ),
          );
    work.catch((error: unknown) => {
      deps.logger.error({ err: error }, "Chargebee sandbox request failed");
      if (!res.headersSent) send(res, 500, JSON.stringify({ message: "Sandbox failure", api_error_code: "internal_error" }));
    });
  };

  /** Ends requests held by the timeout fault (on close). */
  const releaseHanging = (): void => {
    for (const res of hanging) res.socket?.destroy();
    hanging.clear();
  };
  return { handler, releaseHanging };
}

export type { Socket };
