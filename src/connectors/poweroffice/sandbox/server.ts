/**
 * The sandbox's HTTP surface: the token endpoint, the API under /v2 (as the real gateway and API answer), and an
 * admin surface under /_admin kept apart from the API paths (no keys; bind it to 127.0.0.1).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Logger } from "../../../logging/logger.js";
import type { PowerOfficeKeys } from "../demo-keys.js";
import { POWEROFFICE_RESOURCES, type PowerOfficeResourceName } from "../types.js";
import type { Dto } from "./collection.js";
import { SandboxProblem } from "./errors.js";
import type { FaultInjector, FaultRule } from "./faults.js";
import { QueryParams } from "./fields.js";
import type { SlidingWindowLimiter } from "./rate-limiter.js";
import type { RequestLog } from "./request-log.js";
import type { PowerOfficeSandboxStore, SandboxResourceName, SandboxSize } from "./store.js";

export interface SandboxServerDeps {
  store: () => PowerOfficeSandboxStore;
  keys: PowerOfficeKeys;
  faults: FaultInjector;
  limiter: SlidingWindowLimiter;
  requestLog: RequestLog;
  logger: Logger;
  tokenLifetimeSeconds: number;
  deniedResources: Set<string>;
  tokens: Map<string, number>;
  reseed: (options: { seed?: number; size?: SandboxSize }) => void;
  describe: () => Record<string, unknown>;
  /**
   * Called before every answer: saves what the request changed (when the sandbox keeps saved state). A message
   * means the state cannot be saved and the answer becomes a 503 saying so.
   */
  beforeAnswer: () => string | undefined;
  /** Called once each API request has been answered in full (lets a test stop a worker right after a write). */
  answered?: (request: AnsweredRequest) => void;
}

export interface AnsweredRequest {
  method: string;
  path: string;
  status: number;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const JSON_TYPE = "application/json; charset=utf-8";

class Reply {
  status = 200;
  fault?: string;
  constructor(
    readonly res: ServerResponse,
    private readonly beforeAnswer: () => string | undefined,
  ) {}

  json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.text(status, typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body), JSON_TYPE, headers);
  }

  text(status: number, text: string | Buffer, contentType: string, headers: Record<string, string> = {}): void {
    this.status = status;
    if (this.res.headersSent || this.res.destroyed || this.refusedUnsaved()) return;
    this.res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text), ...headers });
    this.res.end(text);
  }

  empty(status: number, headers: Record<string, string> = {}): void {
    this.status = status;
    if (this.res.headersSent || this.res.destroyed || this.refusedUnsaved()) return;
    this.res.writeHead(status, { "content-length": "0", ...headers });
    this.res.end();
  }

  /** Saves the request's changes first; answers 503 instead when they cannot be saved. */
  private refusedUnsaved(): boolean {
    const failure = this.beforeAnswer();
    if (failure === undefined) return false;
    this.status = 503;
    const body = JSON.stringify(new SandboxProblem(503, "Service Unavailable", failure).body((this.res.req.url ?? "/").split("?")[0]!));
    this.res.writeHead(503, { "content-type": "application/problem+json; charset=utf-8", "content-length": Buffer.byteLength(body) });
    this.res.end(body);
    return true;
  }

  problem(problem: SandboxProblem, instance: string): void {
    this.text(problem.status, JSON.stringify(problem.body(instance)), "application/problem+json; charset=utf-8");
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SandboxProblem(413, "Payload Too Large", `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  if (text.trim() === "") throw new SandboxProblem(400, "One or more validation errors occurred.", "A non-empty request body is required.");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SandboxProblem(400, "One or more validation errors occurred.", `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new SandboxProblem(400, "Bad Request", `The path segment '${segment}' is not valid percent-encoding.`);
  }
}

function resourceNamed(segment: string | undefined): PowerOfficeResourceName | undefined {
  if (!segment) return undefined;
  return POWEROFFICE_RESOURCES.find((r) => r.toLowerCase() === segment.toLowerCase());
}

export function createSandboxServer(deps: SandboxServerDeps): http.Server {
  const hung = new Set<ServerResponse>();

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const arrivedAt = new Date().toISOString();
    const reply = new Reply(res, deps.beforeAnswer);
    const url = new URL(req.url ?? "/", "http://sandbox");
    const method = (req.method ?? "GET").toUpperCase();
    const log = () => {
      if (url.pathname.startsWith("/_admin")) return;
      deps.requestLog.add({
        at: arrivedAt,
        method,
        path: url.pathname,
        query: url.search,
        status: reply.status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        fault: reply.fault,
      });
      if (res.writableFinished) deps.answered?.({ method, path: url.pathname, status: reply.status });
    };
    res.on("finish", log);
    res.on("close", () => {
      hung.delete(res);
      if (!res.writableFinished) {
        reply.status = 0;
        log();
      }
    });
    handle(req, reply, url, method).catch((error: unknown) => {
      if (error instanceof SandboxProblem) {
        reply.problem(error, url.pathname);
        return;
      }
      deps.logger.error({ err: error, path: url.pathname }, "PowerOffice sandbox failed to answer");
      reply.problem(new SandboxProblem(500, "Internal Server Error", "The sandbox failed; see its log."), url.pathname);
    });
  });

  async function handle(req: IncomingMessage, reply: Reply, url: URL, method: string): Promise<void> {
    const path = url.pathname.replace(/\/+$/, "") || "/";
    if (path === "/_admin" || path.startsWith("/_admin/")) return admin(req, reply, url, method, path);
    const isToken = /^\/oauth\/token$/i.test(path);
    const isApi = /^\/v2(\/|$)/i.test(path);
    if (!isToken && !isApi) return reply.empty(404);

    // The gateway: subscription key, then the rate limit.
    const subscriptionKey = (req.headers["ocp-apim-subscription-key"] as string | undefined) ?? url.searchParams.get("subscription-key") ?? undefined;
    if (!subscriptionKey) {
      return reply.json(401, {
        statusCode: 401,
        message: "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.",
      });
    }
    if (!safeEqual(subscriptionKey, deps.keys.subscriptionKey)) {
      return reply.json(401, {
        statusCode: 401,
        message: "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.",
      });
    }
    if (!deps.limiter.tryPass(subscriptionKey)) {
      reply.fault = "limit";
      return reply.json(429, { statusCode: "429", message: "Rate limit is exceeded. Try again in 1 seconds." }, { "retry-after": "1" });
    }

    const fault = deps.faults.match(method, path);
    if (fault) {
      reply.fault = fault.kind;
      switch (fault.kind) {
        case "status": {
          const status = fault.status ?? 503;
          return reply.problem(new SandboxProblem(status, status === 503 ? "Service Unavailable" : "Server Error", "Injected fault."), path);
        }
        case "rateLimit": {
          const seconds = fault.retryAfterSeconds ?? 1;
          return reply.json(
            429,
            { statusCode: "429", message: `Rate limit is exceeded. Try again in ${seconds} seconds.` },
            { "retry-after": String(seconds) },
          );
        }
        case "drop":
          req.socket.destroy();
          return;
        case "timeout":
          if (fault.delayMs === undefined) {
            hung.add(reply.res);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
          if (reply.res.destroyed) return;
          break;
      }
    }

    if (isToken) return token(req, reply, method);

    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1]?.trim();
    const expiresAt = bearer ? deps.tokens.get(bearer) : undefined;
    if (expiresAt === undefined || expiresAt <= Date.now()) {
      if (bearer && expiresAt !== undefined) deps.tokens.delete(bearer);
      return reply.empty(401, { "www-authenticate": bearer ? 'Bearer error="invalid_token"' : "Bearer" });
    }
    return api(req, reply, url, method, path);
  }

  async function token(req: IncomingMessage, reply: Reply, method: string): Promise<void> {
    if (method !== "POST") return reply.empty(405, { allow: "POST" });
    const body = new URLSearchParams(await readBody(req));
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const [applicationKey, ...rest] = basic ? Buffer.from(basic, "base64").toString("utf8").split(":") : [];
    const clientKey = rest.join(":");
    if (!basic || !applicationKey || !clientKey) {
      return reply.json(400, {
        error: "invalid_request",
        error_description: "The Authorization header must be Basic base64(applicationKey:clientKey).",
      });
    }
    if (body.get("grant_type") !== "client_credentials") {
      return reply.json(400, { error: "unsupported_grant_type", error_description: "Only grant_type=client_credentials is supported." });
    }
    if (!safeEqual(applicationKey, deps.keys.applicationKey) || !safeEqual(clientKey, deps.keys.clientKey)) {
      return reply.json(400, {
        error: "invalid_client",
        error_description: "Client integration not found. Please ensure the provided keys are matching the desired environment.",
      });
    }
    const now = Date.now();
    for (const [value, expires] of deps.tokens) if (expires <= now) deps.tokens.delete(value);
    const accessToken = randomBytes(32).toString("base64url");
    deps.tokens.set(accessToken, now + deps.tokenLifetimeSeconds * 1000);
    return reply.json(200, { access_token: accessToken, token_type: "bearer", expires_in: deps.tokenLifetimeSeconds });
  }

  async function writeBody(req: IncomingMessage, method: string): Promise<unknown> {
    const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (method === "PATCH" && type !== "application/json-patch+json") {
      throw new SandboxProblem(415, "Unsupported Media Type", "PATCH takes a JSON Patch document with Content-Type application/json-patch+json.");
    }
    if (method === "POST" && !(type === "application/json" || type === "text/json" || /^application\/[\w.-]+\+json$/.test(type))) {
      throw new SandboxProblem(415, "Unsupported Media Type", "POST takes Content-Type application/json.");
    }
    return parseJson(await readBody(req));
  }

  async function api(req: IncomingMessage, reply: Reply, url: URL, method: string, path: string): Promise<void> {
    const store = deps.store();
    const segments = path.split("/").slice(2).map(decodeSegment); // after "/v2"
    const resource = resourceNamed(segments[0]);
    if (!resource) return reply.empty(404);
    if (deps.deniedResources.has(resource)) {
      return reply.problem(new SandboxProblem(403, "Forbidden", `The integration lacks the privilege for ${resource} in this client.`), path);
    }
    const query = new QueryParams(url.searchParams);
    const sendList = (result: { status: 200 | 204; json?: Buffer | string }) =>
      result.status === 204 ? reply.empty(204) : reply.json(200, result.json!);
    const rest = segments.slice(1);

    if (resource === "ContactPersons") {
      if (rest.length === 0) {
        if (method !== "GET") return reply.empty(405, { allow: "GET" });
        return sendList(store.list(resource, query));
      }
      const contactId = store.parseId("Customers", rest[0]!) as number;
      if (rest.length === 1) {
        if (method !== "POST") return reply.empty(405, { allow: "POST" });
        return reply.json(201, store.apiCreate(resource, await writeBody(req, method), contactId));
      }
      if (rest.length !== 2) return reply.empty(404);
      const id = store.parseId(resource, rest[1]!);
      return record(req, reply, method, resource, id, contactId);
    }

    if (resource === "SalesOrders") {
      if (rest.length === 0) {
        if (method !== "GET") return reply.empty(405, { allow: "GET" });
        return sendList(store.list(resource, query));
      }
      if (rest.length === 1 && rest[0]!.toLowerCase() === "complete") {
        if (method !== "POST") return reply.empty(405, { allow: "POST" });
        return reply.json(201, store.apiCreate(resource, await writeBody(req, method)));
      }
      const id = store.parseId(resource, rest[0]!) as string;
      if (rest.length === 1) return record(req, reply, method, resource, id);
      const sub = rest[1]!.toLowerCase();
      if (sub === "complete" && rest.length === 2) {
        if (method !== "GET") return reply.empty(405, { allow: "GET" });
        return reply.json(200, store.salesOrderComplete(id));
      }
      if (sub !== "lines") return reply.empty(404);
      if (rest.length === 2) {
        if (method === "GET") return sendList(store.listLines(id, query));
        if (method === "POST") return reply.json(201, store.apiCreateLine(id, await writeBody(req, method)));
        return reply.empty(405, { allow: "GET, POST" });
      }
      if (rest.length !== 3) return reply.empty(404);
      const lineId = (store.parseId("SalesOrders", rest[2]!) as string).toLowerCase();
      if (method === "GET") return reply.json(200, store.getLine(id, lineId));
      if (method === "PATCH") return reply.json(200, store.apiPatchLine(id, lineId, await writeBody(req, method)));
      if (method === "DELETE") {
        store.apiDeleteLine(id, lineId);
        return reply.empty(200);
      }
      return reply.empty(405, { allow: "GET, PATCH, DELETE" });
    }

    if (rest.length === 0) {
      if (method === "GET") return sendList(store.list(resource, query));
      // The March 2025 spec documents 200 for POST /Products and 201 for the others.
      if (method === "POST") return reply.json(resource === "Products" ? 200 : 201, store.apiCreate(resource, await writeBody(req, method)));
      return reply.empty(405, { allow: "GET, POST" });
    }
    if (rest.length !== 1) return reply.empty(404);
    return record(req, reply, method, resource, store.parseId(resource, rest[0]!));
  }

  async function record(
    req: IncomingMessage,
    reply: Reply,
    method: string,
    resource: SandboxResourceName,
    id: number | string,
    contactId?: number,
  ): Promise<void> {
    const store = deps.store();
    if (method === "GET") return reply.json(200, store.apiGet(resource, id, contactId));
    if (method === "PATCH") return reply.json(200, store.apiPatch(resource, id, await writeBody(req, method), contactId));
    if (method === "DELETE") {
      store.apiDelete(resource, id, contactId);
      return reply.empty(200);
    }
    return reply.empty(405, { allow: "GET, PATCH, DELETE" });
  }

  async function admin(req: IncomingMessage, reply: Reply, url: URL, method: string, path: string): Promise<void> {
    const segments = path.split("/").slice(2).map(decodeSegment);
    const [area, ...rest] = segments;
    const body = async (): Promise<Dto> => {
      const text = await readBody(req);
      return text.trim() === "" ? {} : (parseJson(text) as Dto);
    };
    switch (area ?? "") {
      case "":
        return reply.json(200, deps.describe());
      case "reset":
        if (method !== "POST") return reply.empty(405);
        deps.reseed({});
        return reply.json(200, deps.describe());
      case "seed": {
        if (method !== "POST") return reply.empty(405);
        const options = await body();
        const size = options.size;
        if (size !== undefined && size !== "demo" && !(typeof size === "number" && Number.isInteger(size) && size > 0 && size <= 1_000_000)) {
          throw new SandboxProblem(400, "Invalid seed request", 'size must be "demo" or a whole number from 1 to 1000000.');
        }
        if (options.seed !== undefined && !Number.isInteger(options.seed))
          throw new SandboxProblem(400, "Invalid seed request", "seed must be a whole number.");
        deps.reseed({ seed: options.seed as number | undefined, size: size as SandboxSize | undefined });
        return reply.json(200, deps.describe());
      }
      case "records": {
        const resource = resourceNamed(rest[0]);
        if (!resource) throw new SandboxProblem(404, "Unknown resource", `Resources are ${POWEROFFICE_RESOURCES.join(", ")}.`);
        const store = deps.store();
        if (rest.length === 1 && method === "POST") {
          const contactId = url.searchParams.get("contactId");
          return reply.json(201, store.guiCreate(resource, await body(), contactId ? Number(contactId) : undefined));
        }
        if (rest.length !== 2) return reply.empty(404);
        const id = store.parseId(resource, rest[1]!);
        if (method === "GET") {
          const dto =
            resource === "SalesOrders"
              ? store.entry(resource, id)
                ? store.salesOrderComplete(id as string)
                : undefined
              : store.getDto(resource, id);
          if (!dto) throw new SandboxProblem(404, "Object(s) not found", `${resource} ${String(id)} not found.`);
          return reply.json(200, dto);
        }
        if (method === "PATCH") return reply.json(200, store.guiEdit(resource, id, await body()));
        if (method === "DELETE") {
          store.guiDelete(resource, id, url.searchParams.get("force") === "true");
          return reply.empty(200);
        }
        return reply.empty(405);
      }
      case "faults":
        if (method === "GET") return reply.json(200, deps.faults.list());
        if (method === "POST") {
          try {
            return reply.json(201, { id: deps.faults.inject((await body()) as unknown as FaultRule) });
          } catch (error) {
            throw new SandboxProblem(400, "Invalid fault", (error as Error).message);
          }
        }
        if (method === "DELETE") {
          if (rest[0]) deps.faults.remove(Number(rest[0]));
          else deps.faults.clear();
          return reply.empty(200);
        }
        return reply.empty(405);
      case "requests":
        if (method === "GET") return reply.json(200, deps.requestLog.entries(Number(url.searchParams.get("since") ?? 0)));
        if (method === "DELETE") {
          deps.requestLog.clear();
          return reply.empty(200);
        }
        return reply.empty(405);
      case "tokens":
        if (rest[0] === "revoke" && method === "POST") {
          deps.tokens.clear();
          return reply.empty(200);
        }
        return reply.empty(404);
      case "rate-limit": {
        if (method !== "PUT") return reply.empty(405);
        const { requestsPerSecond } = await body();
        if (typeof requestsPerSecond !== "number" || requestsPerSecond < 0)
          throw new SandboxProblem(400, "Invalid rate limit", "requestsPerSecond must be a number >= 0 (0 = off).");
        deps.limiter.requestsPerSecond = requestsPerSecond;
        return reply.json(200, deps.describe());
      }
      case "privileges": {
        if (method !== "PUT") return reply.empty(405);
        const { denied } = await body();
        if (!Array.isArray(denied) || denied.some((d) => !resourceNamed(String(d)))) {
          throw new SandboxProblem(400, "Invalid privileges", `denied must list resources among ${POWEROFFICE_RESOURCES.join(", ")}.`);
        }
        deps.deniedResources.clear();
        for (const d of denied) deps.deniedResources.add(resourceNamed(String(d))!);
        return reply.json(200, deps.describe());
      }
      default:
        return reply.empty(404);
    }
  }

  const close = server.close.bind(server);
  server.close = ((callback?: (err?: Error) => void) => {
    for (const res of hung) res.destroy();
    hung.clear();
    const result = close(callback);
    server.closeAllConnections();
    return result;
  }) as typeof server.close;
  return server;
}
