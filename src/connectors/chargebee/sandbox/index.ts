import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Logger } from "../../../logging/logger.js";
import { silentLogger } from "../../../logging/logger.js";
import type { ChargebeeClientConfig } from "../types.js";
import { CHARGEBEE_SANDBOX_API_KEY, CHARGEBEE_SANDBOX_HOST, CHARGEBEE_SANDBOX_SITE } from "./constants.js";
import { FAULT_KINDS, FaultInjector, type FaultKind, type FaultRates, type InjectedFault } from "./faults.js";
import { IdempotencyKeys } from "./idempotency-keys.js";
import { RequestLog } from "./request-log.js";
import { isSandboxResource, type SandboxResource } from "./resources.js";
import { DEMO_BUSINESS_ENTITIES, seedSandbox, type SandboxSize, type SeedSummary } from "./seed.js";
import { ChargebeeStateFiles } from "./saved-state.js";
import { createSandboxRequestHandler, SandboxRateLimiter, type SandboxRequestListener } from "./server.js";
import { ChargebeeSandboxStore } from "./store.js";
import { WebhookDispatcher, type SandboxWebhookConfig, type WebhookDelivery } from "./webhooks.js";

export { CHARGEBEE_SANDBOX_API_KEY, CHARGEBEE_SANDBOX_HOST, CHARGEBEE_SANDBOX_SITE } from "./constants.js";
export { ChargebeeSandboxStore, taxRateOfProfile, type WriteContext } from "./store.js";
export { DEMO_BUSINESS_ENTITIES, SANDBOX_SEEDED, type SandboxSize, type SeedSummary } from "./seed.js";
export { FAULT_KINDS, type FaultKind, type FaultRates, type InjectedFault } from "./faults.js";
export type { SandboxRequestLogEntry } from "./request-log.js";
export type { SandboxRequestListener } from "./server.js";
export { CHARGEBEE_WEBHOOK_RETRY_SCHEDULE_MS, type SandboxWebhookConfig, type WebhookDelivery } from "./webhooks.js";
export type { SandboxResource };

export interface ChargebeeSandboxOptions {
  /** 0 = any free port. */
  port?: number;
  host?: string;
  seed?: number;
  size?: SandboxSize;
  /** Requests per minute before 429s; 0 = no limit. Default 0. */
  requestsPerMinute?: number;
  webhook?: SandboxWebhookConfig;
  logger?: Logger;
  apiKey?: string;
  site?: string;
  /** Business entities the admin seeds at start. Default DEMO_BUSINESS_ENTITIES. */
  businessEntities?: readonly string[];
  /** How long idempotency keys are remembered. Default 30 minutes, as Chargebee. */
  idempotencyWindowMs?: number;
  /** Most recent requests kept in the log. Default 10,000. */
  requestLogSize?: number;
  /**
   * Keeps the data (records, events, idempotency keys) in files in this directory (created if missing), so a restart,
   * clean or killed, serves what was served before; the seed runs only when nothing is saved there. Unset (default):
   * in memory, seeded at every start.
   */
  stateDirectory?: string;
}

/** Where the sandbox keeps its data, when it keeps it. */
export interface SavedStateInfo {
  files: { snapshot: string; journal: string };
  /** Whether this start read saved state (false: it seeded and saved). */
  restored: boolean;
}

export interface ChargebeeSandbox {
  site: string;
  apiKey: string;
  port: number;
  /** Base URL of the API, e.g. http://127.0.0.1:4102/api/v2 */
  url: string;
  /** What createChargebeeClient needs to reach this sandbox. */
  clientConfig: ChargebeeClientConfig & { endpoint: { protocol: "http"; host: string; port: number } };
  adminUrl: string;
  store: ChargebeeSandboxStore;
  faults: {
    inject(fault: InjectedFault): void;
    setRates(rates: FaultRates): void;
    clear(): void;
    served(): Record<FaultKind, number>;
  };
  requestLog: RequestLog;
  /** Calls `listener` for every API request as it is handled; returns the function that stops it. */
  onRequest(listener: SandboxRequestListener): () => void;
  webhooks: {
    deliveries: readonly WebhookDelivery[];
    waitForIdle(): Promise<void>;
    resend(eventId: string): void;
  };
  /** Changes the per-minute limit (0 = off) and starts a fresh window. */
  setRequestsPerMinute(limit: number): void;
  /** Creates business entities as an admin would (events business_entity_created follow). */
  seedBusinessEntities(names: readonly string[]): Array<Record<string, unknown>>;
  /** Empties the store and seeds again (seed/size default to the current ones); saved state is replaced too. */
  reset(options?: { seed?: number; size?: SandboxSize }): SeedSummary;
  seeded: SeedSummary;
  /** The seed and size of the data served (the saved state's, when it was restored). */
  readonly seedOptions: { seed: number; size: SandboxSize };
  /** Where the data is kept across restarts; undefined when it is in memory only. */
  savedState?: SavedStateInfo;
  close(): Promise<void>;
}

function parseSize(value: unknown): SandboxSize {
  if (value === undefined || value === "demo") return "demo";
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 1_000_000) throw new Error(`size must be "demo" or a whole number from 1 to 1,000,000`);
  return number;
}

/** Starts the Chargebee sandbox: an HTTP server at /api/v2 that behaves like Chargebee for the calls the client makes. */
export async function startChargebeeSandbox(options: ChargebeeSandboxOptions = {}): Promise<ChargebeeSandbox> {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? CHARGEBEE_SANDBOX_HOST;
  const apiKey = options.apiKey ?? CHARGEBEE_SANDBOX_API_KEY;
  const site = options.site ?? CHARGEBEE_SANDBOX_SITE;
  let seedOptions = { seed: options.seed ?? 42, size: options.size ?? ("demo" as SandboxSize) };
  const store = new ChargebeeSandboxStore();
  const faults = new FaultInjector(seedOptions.seed);
  const requestLog = new RequestLog(options.requestLogSize ?? 10_000);
  const limiter = new SandboxRateLimiter(options.requestsPerMinute ?? 0);
  const dispatcher = options.webhook ? new WebhookDispatcher(store, options.webhook, logger) : null;
  store.webhookConfigured = dispatcher !== null;
  if (dispatcher) store.onEvent((event) => dispatcher.enqueue(event));

  const businessEntities = options.businessEntities ?? DEMO_BUSINESS_ENTITIES;
  const idempotency = new IdempotencyKeys();
  let seeded: SeedSummary;
  const stateFiles = options.stateDirectory
    ? new ChargebeeStateFiles(options.stateDirectory, logger, { store, idempotency, settings: () => ({ ...seedOptions, seeded }) })
    : undefined;
  const restored = stateFiles?.load();
  if (restored) {
    const { settings, result } = restored;
    if (settings.seed !== seedOptions.seed || settings.size !== seedOptions.size) {
      logger.warn(
        { saved: { seed: settings.seed, size: settings.size }, requested: seedOptions },
        `Chargebee sandbox: kept its saved state (seed ${settings.seed}, size ${settings.size}); the seed ${seedOptions.seed} and size ${seedOptions.size} asked for were ignored. npm run db:reset starts afresh with them`,
      );
    }
    seedOptions = { seed: settings.seed, size: settings.size };
    seeded = settings.seeded;
    stateFiles!.track();
    logger.info({ file: stateFiles!.saved.files.snapshot, changesReplayed: result.replayed, seeded }, "Chargebee sandbox: restored its saved state");
  } else {
    seeded = seedSandbox(store, { ...seedOptions, businessEntities });
    if (stateFiles) {
      stateFiles.track();
      saveWholeOrClose(stateFiles);
    }
  }
  const reset = (next: { seed?: number; size?: SandboxSize } = {}): SeedSummary => {
    seedOptions = { seed: next.seed ?? seedOptions.seed, size: next.size ?? seedOptions.size };
    store.changes.ignoring(() => {
      store.clear();
      idempotency.clear();
      seeded = seedSandbox(store, { ...seedOptions, businessEntities });
    });
    stateFiles?.saved.rewrite();
    return seeded;
  };

  const admin = async ({ method, path, query, body }: { method: string; path: string; query: URLSearchParams; body: unknown }) => {
    const input = (body ?? {}) as Record<string, unknown>;
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    const route = `${method} /${parts.map((part, index) => (index >= 1 && parts[0] === "records" ? (index === 1 ? ":resource" : ":id") : part)).join("/")}`;
    switch (route) {
      case "GET /":
        return {
          status: 200,
          body: {
            site,
            api: `/api/v2`,
            seeded,
            seed: seedOptions,
            savedState: stateFiles ? { ...stateFiles.saved.files, restored: restored !== undefined } : "none: in memory, seeded at every start",
            endpoints: [
              "POST /_admin/reset {seed?, size?} (alias /_admin/seed): empty the store and seed again",
              "GET|POST /_admin/business_entities {names}",
              "GET /_admin/records/:resource?limit=",
              "GET /_admin/records/:resource/:id",
              "POST /_admin/records/:resource/:id {field: value} (edit as a user)",
              "DELETE /_admin/records/:resource/:id",
              "GET|POST|DELETE /_admin/faults {inject:{kind,count,pathIncludes,method,retryAfterSeconds}} | {rates:{...}}",
              "GET|DELETE /_admin/requests?limit=&path=",
              "GET|POST /_admin/rate_limit {requestsPerMinute}",
              "GET /_admin/webhooks",
            ],
            faultKinds: FAULT_KINDS,
          },
        };
      case "POST /seed":
      case "POST /reset":
        return {
          status: 200,
          body: reset({
            seed: input.seed === undefined ? undefined : Number(input.seed),
            size: input.size === undefined ? undefined : parseSize(input.size),
          }),
        };
      case "GET /business_entities":
        return { status: 200, body: store.dump("business_entity") };
      case "POST /business_entities": {
        const names = input.names;
        if (!Array.isArray(names) || !names.every((name) => typeof name === "string")) throw new Error('Send {"names": ["Salg", ...]}');
        return { status: 201, body: store.seedBusinessEntities(names as string[]) };
      }
      case "GET /records/:resource":
      case "GET /records/:resource/:id":
      case "POST /records/:resource/:id":
      case "DELETE /records/:resource/:id": {
        const resource = parts[1]!;
        if (!isSandboxResource(resource)) throw new Error(`Unknown resource "${resource}"`);
        if (parts.length === 2) {
          const limit = Number(query.get("limit") ?? 100);
          return { status: 200, body: store.dump(resource).slice(-limit) };
        }
        const id = parts[2]!;
        if (method === "GET") return { status: 200, body: store.retrieve(resource, id) };
        if (method === "DELETE") return { status: 200, body: store.remove(resource, id) };
        return { status: 200, body: store.edit(resource, id, input) };
      }
      case "GET /faults":
        return { status: 200, body: faults.describe() };
      case "POST /faults":
        if (input.inject) faults.inject(input.inject as InjectedFault);
        if (input.rates) faults.setRates(input.rates as FaultRates);
        return { status: 200, body: faults.describe() };
      case "DELETE /faults":
        faults.clear();
        return { status: 200, body: faults.describe() };
      case "GET /requests":
        return {
          status: 200,
          body: {
            total: requestLog.total,
            byStatus: requestLog.countByStatus(),
            requests: requestLog.list({ limit: Number(query.get("limit") ?? 100), pathIncludes: query.get("path") ?? undefined }),
          },
        };
      case "DELETE /requests":
        requestLog.clear();
        return { status: 200, body: { cleared: true } };
      case "GET /rate_limit":
        return { status: 200, body: { requestsPerMinute: limiter.requestsPerMinute } };
      case "POST /rate_limit": {
        const limit = Number(input.requestsPerMinute);
        if (!Number.isInteger(limit) || limit < 0) throw new Error("requestsPerMinute must be a whole number ≥ 0 (0 = off)");
        limiter.requestsPerMinute = limit;
        limiter.reset();
        return { status: 200, body: { requestsPerMinute: limit } };
      }
      case "GET /webhooks":
        return { status: 200, body: { configured: Boolean(dispatcher), deliveries: dispatcher?.deliveries ?? [] } };
      default:
        return { status: 404, body: { error: `No admin route ${method} ${path}; GET /_admin lists them` } };
    }
  };

  const listeners = new Set<SandboxRequestListener>();
  const http_ = createSandboxRequestHandler({
    store,
    apiKey,
    faults,
    log: requestLog,
    limiter,
    logger,
    admin,
    listeners,
    idempotencyWindowMs: options.idempotencyWindowMs ?? 30 * 60_000,
    idempotency,
    apiKeyName: "sandbox demo key",
    beforeAnswer: () => stateFiles?.saved.beforeAnswer()?.message,
  });
  const server = http.createServer(http_.handler);
  server.keepAliveTimeout = 5_000;
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((error: unknown) => {
    dispatcher?.close();
    stateFiles?.saved.close();
    throw error;
  });
  if (restored && dispatcher) {
    const resumed = dispatcher.resumePending(store.entries("event").map((entry) => entry.record));
    if (resumed > 0) logger.info({ events: resumed }, "Chargebee sandbox: delivering the webhooks a previous run had not delivered");
  }
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host}:${port}`;
  logger.info({ url: `${origin}/api/v2`, site, seeded }, "Chargebee sandbox listening");

  return {
    site,
    apiKey,
    port,
    url: `${origin}/api/v2`,
    clientConfig: {
      mode: "sandbox",
      site,
      apiKey,
      sandboxPort: port,
      requestsPerMinute: 150,
      maxConcurrency: 3,
      endpoint: { protocol: "http", host, port },
    },
    adminUrl: `${origin}/_admin`,
    store,
    faults: {
      inject: (fault) => faults.inject(fault),
      setRates: (rates) => faults.setRates(rates),
      clear: () => faults.clear(),
      served: () => ({ ...faults.served }),
    },
    requestLog,
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    webhooks: {
      get deliveries() {
        return dispatcher?.deliveries ?? [];
      },
      waitForIdle: () => dispatcher?.waitForIdle() ?? Promise.resolve(),
      resend: (eventId) => {
        if (!dispatcher) throw new Error("No webhook is configured");
        dispatcher.resend(eventId);
      },
    },
    setRequestsPerMinute(limit: number) {
      limiter.requestsPerMinute = limit;
      limiter.reset();
    },
    seedBusinessEntities: (names) => store.seedBusinessEntities(names),
    reset,
    get seeded() {
      return seeded;
    },
    get seedOptions() {
      return { ...seedOptions };
    },
    savedState: stateFiles
      ? { files: { snapshot: stateFiles.saved.files.snapshot, journal: stateFiles.saved.files.journal }, restored: restored !== undefined }
      : undefined,
    async close() {
      dispatcher?.close();
      http_.releaseHanging();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      stateFiles?.saved.close();
    },
  };
}

/** Saves the freshly seeded state; a sandbox that cannot save does not start (and lets go of the folder). */
function saveWholeOrClose(stateFiles: ChargebeeStateFiles): void {
  try {
    stateFiles.saved.rewrite();
  } catch (error) {
    stateFiles.saved.close();
    throw error;
  }
}
