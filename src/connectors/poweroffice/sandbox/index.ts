/**
 * The PowerOffice Go sandbox: an HTTP server that behaves like API v2 for every endpoint the client uses,
 * with deterministic demo data, a request log, fault injection and an admin surface.
 */
import type { AddressInfo } from "node:net";
import type { PowerOfficeConfig } from "../../../config/config.js";
import { silentLogger, type Logger } from "../../../logging/logger.js";
import { POWEROFFICE_SANDBOX_DEMO_KEYS, type PowerOfficeKeys } from "../demo-keys.js";
import type { PowerOfficeResourceName } from "../types.js";
import type { Dto } from "./collection.js";
import { FaultInjector } from "./faults.js";
import { SlidingWindowLimiter } from "./rate-limiter.js";
import { RequestLog } from "./request-log.js";
import { SANDBOX_SPECIAL_RECORDS, seedPlan, seedStore } from "./seed.js";
import { PowerOfficeStateFiles, type PowerOfficeSandboxState } from "./saved-state.js";
import { createSandboxServer, type AnsweredRequest } from "./server.js";
import { PowerOfficeSandboxStore, type SandboxSize } from "./store.js";

export { SANDBOX_SPECIAL_RECORDS, seedPlan, type SeedPlan } from "./seed.js";
export { FaultInjector, type FaultRule, type FaultKind, type ActiveFault } from "./faults.js";
export { RequestLog, type RequestLogEntry } from "./request-log.js";
export { PowerOfficeSandboxStore, isValidEmail, type SandboxSize } from "./store.js";
export { SandboxProblem } from "./errors.js";
export { POWEROFFICE_SANDBOX_DEMO_KEYS } from "../demo-keys.js";

export interface PowerOfficeSandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Seed of the demo data (default 42). */
  seed?: number;
  /** "demo" (default): a few dozen records; a number: about that many records across the six resources. */
  size?: SandboxSize;
  /** Requests per second per subscription key before 429; 0 (default) = no limit. The real API allows 10. */
  requestsPerSecond?: number;
  /** Keys the sandbox accepts (default: POWEROFFICE_SANDBOX_DEMO_KEYS). */
  keys?: PowerOfficeKeys;
  /** Lifetime of the tokens it issues (default 1200 s, as the real API). */
  tokenLifetimeSeconds?: number;
  /** Requests kept in the request log (default 10 000). */
  requestLogCapacity?: number;
  logger?: Logger;
  /**
   * Keeps the data in files in this directory (created if missing), so a restart, clean or killed, serves what was
   * served before; the seed runs only when nothing is saved there. Unset (default): in memory, seeded at every start.
   */
  stateDirectory?: string;
}

/** Where the sandbox keeps its data, when it keeps it. */
export interface SavedStateInfo {
  /** The snapshot and journal files. */
  files: { snapshot: string; journal: string };
  /** Whether this start read saved state (false: it seeded and saved). */
  restored: boolean;
}

/** In-process access to the data, as a PowerOffice GUI user would have it. */
export interface SandboxStoreAccess {
  /** One record (a copy); sales orders come with their SalesOrderLines. */
  get(resource: PowerOfficeResourceName, id: number | string): Dto | undefined;
  /** Every record of a resource (copies; meant for small data sets). */
  all(resource: PowerOfficeResourceName): Dto[];
  /** Edits fields as a GUI user would (no e-mail typo check); LastChangedDateTimeOffset moves. */
  edit(resource: PowerOfficeResourceName, id: number | string, changes: Dto): Dto;
  /** Creates a record as a GUI user or an import would; contact persons need their parent contact id. */
  create(resource: PowerOfficeResourceName, fields: Dto, parentContactId?: number): Dto;
  /** Deletes; refuses with a 409 SandboxProblem when the record is in use, unless force. */
  delete(resource: PowerOfficeResourceName, id: number | string, options?: { force?: boolean }): void;
  counts(): Record<PowerOfficeResourceName | "SalesOrderLines", number>;
  /** The records seeded for sync tests (see seed.ts), with the special sales order's id. */
  readonly special: typeof SANDBOX_SPECIAL_RECORDS & { salesOrderId: string };
  /** Replaces all data (same seed and size unless given). */
  reseed(options?: { seed?: number; size?: SandboxSize }): void;
  /** The underlying store (API-level operations). */
  readonly raw: PowerOfficeSandboxStore;
}

export interface PowerOfficeSandbox {
  /** e.g. http://127.0.0.1:4101/v2 */
  apiBaseUrl: string;
  /** e.g. http://127.0.0.1:4101/OAuth/Token */
  tokenUrl: string;
  /** e.g. http://127.0.0.1:4101/_admin */
  adminUrl: string;
  port: number;
  keys: PowerOfficeKeys;
  store: SandboxStoreAccess;
  faults: FaultInjector;
  requestLog: RequestLog;
  /** Calls the listener once each API request has been answered; returns the function that stops it. */
  onAnswered(listener: (request: AnsweredRequest) => void): () => void;
  /** Where the data is kept across restarts; undefined when it is in memory only. */
  savedState?: SavedStateInfo;
  /** The seed and size of the data served (the saved state's, when it was restored). */
  readonly seed: number;
  readonly size: SandboxSize;
  /** Changes the 429 threshold (0 = off). */
  setRequestsPerSecond(requestsPerSecond: number): void;
  /** Invalidates every issued token (the next API call gets 401). */
  revokeTokens(): void;
  /** Makes the listed resources answer 403 (the integration lacks the privilege); [] restores them. */
  denyPrivileges(resources: PowerOfficeResourceName[]): void;
  /** A PowerOffice configuration pointing at this sandbox (client-side rate budget off unless overridden). */
  config(overrides?: Partial<PowerOfficeConfig>): PowerOfficeConfig;
  close(): Promise<void>;
}

export async function startPowerOfficeSandbox(options: PowerOfficeSandboxOptions = {}): Promise<PowerOfficeSandbox> {
  const host = options.host ?? "127.0.0.1";
  const keys = options.keys ?? { ...POWEROFFICE_SANDBOX_DEMO_KEYS };
  const logger = options.logger ?? silentLogger;
  const seeded = (seed: number, size: SandboxSize): PowerOfficeSandboxState => {
    const store = new PowerOfficeSandboxStore(seed);
    return { store, seed, size, specialSalesOrderId: seedStore(store, size).specialSalesOrderId };
  };
  const opened = openState(options, logger, () => current, seeded);
  let current: PowerOfficeSandboxState = opened.state;
  const stateFiles = opened.files;
  let { seed, size, store, specialSalesOrderId } = current;
  if (stateFiles && !opened.restored) {
    stateFiles.track(store);
    try {
      stateFiles.saved.rewrite();
    } catch (error) {
      stateFiles.saved.close();
      throw error;
    }
  }
  const faults = new FaultInjector(seed);
  const limiter = new SlidingWindowLimiter(options.requestsPerSecond ?? 0);
  const requestLog = new RequestLog(options.requestLogCapacity);
  const tokens = new Map<string, number>();
  const answeredListeners = new Set<(request: AnsweredRequest) => void>();
  const deniedResources = new Set<string>();

  const reseed = (next: { seed?: number; size?: SandboxSize }) => {
    seed = next.seed ?? seed;
    size = next.size ?? size;
    const fresh = seeded(seed, size);
    // Timestamps never go backwards across a reseed, so a sync cursor from before still sees later writes.
    fresh.store.clock.advancePast(store.clock.next());
    current = fresh;
    ({ store, specialSalesOrderId } = fresh);
    if (stateFiles) {
      stateFiles.track(store);
      stateFiles.saved.rewrite();
    }
    logger.info({ seed, size, counts: store.counts() }, "PowerOffice sandbox seeded");
  };
  const savedState: SavedStateInfo | undefined = stateFiles
    ? { files: { snapshot: stateFiles.saved.files.snapshot, journal: stateFiles.saved.files.journal }, restored: opened.restored }
    : undefined;

  const describe = () => ({
    seed,
    size,
    plan: seedPlan(size),
    counts: store.counts(),
    requestsPerSecond: limiter.requestsPerSecond,
    deniedResources: [...deniedResources],
    faults: faults.list(),
    requestsAnswered: requestLog.total,
    special: { ...SANDBOX_SPECIAL_RECORDS, salesOrderId: specialSalesOrderId },
    savedState: savedState ?? "none: in memory, seeded at every start",
  });

  const server = createSandboxServer({
    store: () => store,
    keys,
    faults,
    limiter,
    requestLog,
    logger,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 1200,
    deniedResources,
    tokens,
    reseed,
    describe,
    beforeAnswer: () => stateFiles?.saved.beforeAnswer()?.message,
    answered: (request) => {
      for (const listener of answeredListeners) listener(request);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((error: unknown) => {
    stateFiles?.saved.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  const root = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  const access: SandboxStoreAccess = {
    get: (resource, id) =>
      resource === "SalesOrders"
        ? store.entry(resource, id)
          ? structuredClone(store.salesOrderComplete(id as string))
          : undefined
        : store.getDto(resource, id),
    all: (resource) =>
      store
        .collection(resource)
        .entries()
        .map((e) => structuredClone(e.dto)),
    edit: (resource, id, changes) => store.guiEdit(resource, id, changes),
    create: (resource, fields, parentContactId) => store.guiCreate(resource, fields, parentContactId),
    delete: (resource, id, opts) => store.guiDelete(resource, id, opts?.force ?? false),
    counts: () => store.counts(),
    get special() {
      return { ...SANDBOX_SPECIAL_RECORDS, salesOrderId: specialSalesOrderId };
    },
    reseed: (next = {}) => reseed(next),
    get raw() {
      return store;
    },
  };

  logger.info({ apiBaseUrl: `${root}/v2`, counts: store.counts() }, "PowerOffice sandbox listening");
  return {
    apiBaseUrl: `${root}/v2`,
    tokenUrl: `${root}/OAuth/Token`,
    adminUrl: `${root}/_admin`,
    port,
    keys,
    store: access,
    faults,
    requestLog,
    onAnswered(listener) {
      answeredListeners.add(listener);
      return () => answeredListeners.delete(listener);
    },
    savedState,
    get seed() {
      return seed;
    },
    get size() {
      return size;
    },
    setRequestsPerSecond: (n) => {
      limiter.requestsPerSecond = n;
    },
    revokeTokens: () => tokens.clear(),
    denyPrivileges: (resources) => {
      deniedResources.clear();
      for (const r of resources) deniedResources.add(r);
    },
    config: (overrides = {}) => ({
      mode: "sandbox",
      environment: "demo",
      apiBaseUrl: `${root}/v2`,
      tokenUrl: `${root}/OAuth/Token`,
      applicationKey: keys.applicationKey,
      clientKey: keys.clientKey,
      subscriptionKey: keys.subscriptionKey,
      requestsPerSecond: 0,
      sandboxPort: port,
      ...overrides,
    }),
    close: async () => {
      try {
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
        });
      } finally {
        stateFiles?.saved.close();
      }
    },
  };
}

/** The saved state when there is some, else a fresh seed (saved when the sandbox keeps state). */
function openState(
  options: PowerOfficeSandboxOptions,
  logger: Logger,
  current: () => PowerOfficeSandboxState,
  seeded: (seed: number, size: SandboxSize) => PowerOfficeSandboxState,
): { state: PowerOfficeSandboxState; files?: PowerOfficeStateFiles; restored: boolean } {
  const seed = options.seed ?? 42;
  const size: SandboxSize = options.size ?? "demo";
  if (!options.stateDirectory) return { state: seeded(seed, size), restored: false };
  const files = new PowerOfficeStateFiles(options.stateDirectory, logger, current);
  const loaded = files.load();
  if (loaded) {
    const { state, result } = loaded;
    files.track(state.store);
    logger.info(
      { file: files.saved.files.snapshot, changesReplayed: result.replayed, counts: state.store.counts() },
      "PowerOffice sandbox: restored its saved state",
    );
    if (state.seed !== seed || state.size !== size) {
      logger.warn(
        { saved: { seed: state.seed, size: state.size }, requested: { seed, size } },
        `PowerOffice sandbox: kept its saved state (seed ${state.seed}, size ${state.size}); the seed ${seed} and size ${size} asked for were ignored. npm run db:reset starts afresh with them`,
      );
    }
    return { state, files, restored: true };
  }
  // Saved by the caller once it serves this state.
  return { state: seeded(seed, size), files, restored: false };
}

/**
 * Starts the sandbox the way the app configuration describes it (port, seed, size, rate limit), or returns
 * undefined when PowerOffice is configured for the real API. The client built from the same configuration
 * (createPowerOfficeClient(config.poweroffice)) then talks to it with the demo keys. With `stateDirectory` it keeps
 * its data there across restarts.
 */
export async function startConfiguredPowerOfficeSandbox(
  config: { poweroffice: PowerOfficeConfig; demo: { seed: number; size: SandboxSize } },
  logger?: Logger,
  options: { stateDirectory?: string } = {},
): Promise<PowerOfficeSandbox | undefined> {
  if (config.poweroffice.mode !== "sandbox") return undefined;
  return startPowerOfficeSandbox({
    port: config.poweroffice.sandboxPort,
    host: "127.0.0.1",
    seed: config.demo.seed,
    size: config.demo.size,
    requestsPerSecond: config.poweroffice.sandboxRequestsPerSecond ?? 10,
    logger,
    stateDirectory: options.stateDirectory,
  });
}

/** A PowerOffice configuration pointing the client at a running sandbox. */
export function sandboxPowerOfficeConfig(sandbox: PowerOfficeSandbox, overrides: Partial<PowerOfficeConfig> = {}): PowerOfficeConfig {
  return sandbox.config(overrides);
}
