import path from "node:path";
import { ConfigError, EnvReader, type Env } from "./env-parsers.js";
import { readApiKeys, type ApiKey } from "./api-keys.js";
import { parseConflictPolicy, type ConflictPolicyRule } from "./conflict-policy.js";

export type SystemName = "poweroffice" | "chargebee";

export interface DatabaseConfig {
  /** Set: a real PostgreSQL server. Unset: the embedded PostgreSQL (PGlite) under dataDir. */
  url?: string;
  dataDir: string;
  poolMax: number;
}

export interface PowerOfficeConfig {
  /** "sandbox": the bundled sandbox with demo data; "remote": the real API (or any URL given). */
  mode: "sandbox" | "remote";
  environment: "demo" | "production";
  apiBaseUrl: string;
  tokenUrl: string;
  applicationKey?: string;
  clientKey?: string;
  subscriptionKey?: string;
  requestsPerSecond: number;
  sandboxPort: number;
  /** The bundled sandbox answers 429 beyond this many requests per second (0 = no limit). */
  sandboxRequestsPerSecond?: number;
}

export interface ChargebeeConfig {
  mode: "sandbox" | "remote";
  site?: string;
  apiKey?: string;
  requestsPerMinute: number;
  maxConcurrency: number;
  sandboxPort: number;
  webhookUsername?: string;
  webhookPassword?: string;
  /** Largest webhook body the receiver accepts, in bytes. */
  webhookMaxBodyBytes: number;
  /** With webhooks on: how often an incremental poll also reads Chargebee by its updated_at cursor (0 = every poll). */
  catchupIntervalSeconds: number;
}

/**
 * Chargebee changes arrive by webhook (a receiver is on): an incremental poll then reads Chargebee only when the
 * catch-up is due, every catchupIntervalSeconds (0 = every poll), as a safety net for lost deliveries.
 */
export interface ChargebeeWebhookFeed {
  catchupIntervalSeconds: number;
}

export interface AppConfig {
  nodeEnv: string;
  log: { level: string; format: "pretty" | "json" };
  database: DatabaseConfig;
  http: { host: string; port: number };
  subgraphs: {
    host: string;
    powerofficePort: number;
    chargebeePort: number;
    linkPort: number;
    secret?: string;
    /** Where a separately running gateway finds each subgraph (POWEROFFICE_SUBGRAPH_URL, ...); defaults from host and port. */
    urls: { poweroffice: string; chargebee: string; link: string };
  };
  gateway: {
    apiKeys: ApiKey[];
    introspection: boolean;
    maxDepth: number;
    maxCost: number;
    /** Most aliased fields in one operation (a fragment's counted at each spread). */
    maxAliases: number;
    /** Most distinct top-level fields in one operation. */
    maxRootFields: number;
    /** Largest /graphql request body (and GET query string) accepted, in bytes. */
    maxBodyBytes: number;
    /** How long a separately started gateway waits for the subgraphs to answer with their SDL. */
    subgraphWaitSeconds: number;
    /** The gateway's query planner: Hive's Rust planner or the runtime's JavaScript one. */
    queryPlanner: "rust" | "js";
    /** How long the gateway waits for one subgraph request before giving up on it (0: no limit). */
    subgraphTimeoutSeconds: number;
  };
  poweroffice: PowerOfficeConfig;
  chargebee: ChargebeeConfig;
  sync: {
    pollIntervalSeconds: number;
    priority: SystemName;
    /**
     * Which records the sync creates on the other side: "both", only those born in PowerOffice ("poweroffice":
     * F1–F4, F7, F8 create in Chargebee) or only those born in Chargebee ("chargebee": F10, F11 create in
     * PowerOffice). Flows that may not create still link what they match.
     */
    create: "both" | SystemName;
    /** Flows that never create, whatever `create` says (SYNC_CREATE_OFF=F4,F11). */
    createOff: string[];
    /** F12 carries only Chargebee invoices dated on or after this day (YYYY-MM-DD, UTC); unset: every invoice. */
    invoicesFrom?: string;
    /** Per flow and field, what a conflict does (SYNC_CONFLICT_POLICY); a field no rule names uses "newest". */
    conflictPolicy: ConflictPolicyRule[];
    /** How long the history per record (field_changes) is kept, in days; 0: for ever (SYNC_HISTORY_DAYS). */
    historyDays: number;
    workerConcurrency: number;
    batchSize: number;
    /** A source whose read fails this many runs in a row is raised: logged at error, flagged in /metrics. */
    readFailureAlertAfter: number;
    /** Set when webhooks bring Chargebee changes (see ChargebeeWebhookFeed); unset: every poll reads Chargebee. */
    chargebeeWebhooks?: ChargebeeWebhookFeed;
  };
  /** The job queue (pg-boss) that sync runs and their batches travel on. */
  jobs: { heartbeatSeconds: number; superviseIntervalSeconds: number; schemaWaitSeconds: number };
  demo: { seed: number; size: "demo" | number };
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

function readDemoSize(reader: EnvReader): "demo" | number {
  const raw = reader.string("DEMO_SIZE", "demo");
  if (raw === "demo") return "demo";
  if (/^\d+$/.test(raw) && Number(raw) > 0) return Number(raw);
  reader.problem(`DEMO_SIZE must be "demo" or a positive number of records, got "${raw}"`);
  return "demo";
}

function readPowerOffice(reader: EnvReader): PowerOfficeConfig {
  const keys = ["POWEROFFICE_APPLICATION_KEY", "POWEROFFICE_CLIENT_KEY", "POWEROFFICE_SUBSCRIPTION_KEY"];
  const remote = reader.allOrNone(keys, "Connecting to the real PowerOffice Go API");
  const environment = reader.oneOf("POWEROFFICE_ENVIRONMENT", ["demo", "production"] as const, "demo");
  const sandboxPort = reader.integer("POWEROFFICE_SANDBOX_PORT", 4101, { min: 1, max: 65535 });
  const realRoot = environment === "demo" ? "https://goapi.poweroffice.net/Demo" : "https://goapi.poweroffice.net";
  const sandboxRoot = `http://127.0.0.1:${sandboxPort}`;
  const root = remote ? realRoot : sandboxRoot;
  return {
    mode: remote ? "remote" : "sandbox",
    environment,
    apiBaseUrl: reader.url("POWEROFFICE_API_BASE_URL", `${root}/v2`)!,
    tokenUrl: reader.url("POWEROFFICE_TOKEN_URL", `${root}/OAuth/Token`)!,
    applicationKey: reader.secret("POWEROFFICE_APPLICATION_KEY"),
    clientKey: reader.secret("POWEROFFICE_CLIENT_KEY"),
    subscriptionKey: reader.secret("POWEROFFICE_SUBSCRIPTION_KEY"),
    requestsPerSecond: reader.integer("POWEROFFICE_REQUESTS_PER_SECOND", 10, { min: 0 }),
    sandboxPort,
    sandboxRequestsPerSecond: reader.integer("POWEROFFICE_SANDBOX_REQUESTS_PER_SECOND", 10, { min: 0 }),
  };
}

function readChargebee(reader: EnvReader): ChargebeeConfig {
  const remote = reader.allOrNone(["CHARGEBEE_SITE", "CHARGEBEE_API_KEY"], "Connecting to a real Chargebee site");
  const site = reader.string("CHARGEBEE_SITE");
  if (site !== undefined && !/^[a-z0-9][a-z0-9-]*$/i.test(site)) {
    reader.problem(`CHARGEBEE_SITE must be the site name only (such as "acme-test"), got "${site}"`);
  }
  const webhookAuth = reader.allOrNone(["CHARGEBEE_WEBHOOK_USERNAME", "CHARGEBEE_WEBHOOK_PASSWORD"], "The Chargebee webhook receiver's Basic auth");
  return {
    mode: remote ? "remote" : "sandbox",
    site,
    apiKey: reader.secret("CHARGEBEE_API_KEY"),
    requestsPerMinute: reader.integer("CHARGEBEE_REQUESTS_PER_MINUTE", 150, { min: 0 }),
    maxConcurrency: reader.integer("CHARGEBEE_MAX_CONCURRENCY", 3, { min: 1, max: 100 }),
    sandboxPort: reader.integer("CHARGEBEE_SANDBOX_PORT", 4102, { min: 1, max: 65535 }),
    webhookUsername: webhookAuth ? reader.secret("CHARGEBEE_WEBHOOK_USERNAME") : undefined,
    webhookPassword: webhookAuth ? reader.secret("CHARGEBEE_WEBHOOK_PASSWORD") : undefined,
    webhookMaxBodyBytes: reader.integer("CHARGEBEE_WEBHOOK_MAX_BODY_BYTES", 1024 * 1024, { min: 1024 }),
    catchupIntervalSeconds: reader.integer("CHARGEBEE_CATCHUP_INTERVAL_SECONDS", 3600, { min: 0 }),
  };
}

function readSubgraphUrls(reader: EnvReader): AppConfig["subgraphs"]["urls"] {
  const host = reader.string("SUBGRAPH_HOST", "127.0.0.1");
  const hostForUrl = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  // The port variables themselves are validated with the subgraph ports above; here they only shape the default.
  const url = (name: string, portVariable: string, port: number) =>
    reader.url(name, `http://${hostForUrl}:${reader.string(portVariable) ?? port}/graphql`)!;
  return {
    poweroffice: url("POWEROFFICE_SUBGRAPH_URL", "POWEROFFICE_SUBGRAPH_PORT", 4001),
    chargebee: url("CHARGEBEE_SUBGRAPH_URL", "CHARGEBEE_SUBGRAPH_PORT", 4002),
    link: url("LINK_SUBGRAPH_URL", "LINK_SUBGRAPH_PORT", 4003),
  };
}

/**
 * The configuration with Chargebee webhooks on: for a process that hosts a receiver without configured credentials
 * (npm start's sandbox pair), so its worker leaves Chargebee changes to the webhooks.
 */
export function withChargebeeWebhooks(config: AppConfig): AppConfig {
  return { ...config, sync: { ...config.sync, chargebeeWebhooks: { catchupIntervalSeconds: config.chargebee.catchupIntervalSeconds } } };
}

/** Reads and validates every variable; throws one ConfigError listing all problems. */
/** "F4, F11" → ["F4", "F11"]; anything that is not a flow id is refused with the variable named. */
function flowIdList(raw: string): string[] {
  const ids = raw
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  const bad = ids.filter((id) => !/^F\d{1,3}$/.test(id));
  if (bad.length > 0)
    throw new ConfigError([`SYNC_CREATE_OFF must list flow ids separated by commas (e.g. F4,F11); not flow ids: ${bad.join(", ")}`]);
  return ids;
}

function conflictPolicyRules(reader: EnvReader): ConflictPolicyRule[] {
  const { rules, problems } = parseConflictPolicy(reader.string("SYNC_CONFLICT_POLICY", ""));
  reader.problems.push(...problems);
  return rules;
}

/** A calendar day (YYYY-MM-DD) under `key`, or nothing when the variable is unset or empty. */
function optionalDay<K extends string>(reader: EnvReader, name: string, key: K): Partial<Record<K, string>> {
  const raw = reader.string(name)?.trim();
  if (!raw) return {};
  const day = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? new Date(`${raw}T00:00:00Z`) : null;
  if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== raw) {
    reader.problem(`${name} must be a day as YYYY-MM-DD (e.g. 2026-01-01), got "${raw}"`);
    return {};
  }
  return { [key]: raw } as Partial<Record<K, string>>;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const reader = new EnvReader(env);
  const databaseUrl = reader.secret("DATABASE_URL");
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    reader.problem("DATABASE_URL must start with postgres:// or postgresql:// (leave it unset for the embedded database)");
  }
  const isTty = Boolean(process.stdout.isTTY);
  const chargebee = readChargebee(reader);
  const config: AppConfig = {
    nodeEnv: reader.string("NODE_ENV", "development"),
    log: {
      level: reader.oneOf("LOG_LEVEL", LOG_LEVELS, "info"),
      format: reader.oneOf("LOG_FORMAT", ["pretty", "json"] as const, isTty ? "pretty" : "json"),
    },
    database: {
      url: databaseUrl,
      dataDir: path.resolve(reader.string("DATA_DIR", ".data")),
      poolMax: reader.integer("DATABASE_POOL_MAX", 10, { min: 1, max: 200 }),
    },
    http: { host: reader.string("HOST", "127.0.0.1"), port: reader.port("PORT", 4000) },
    subgraphs: {
      host: reader.string("SUBGRAPH_HOST", "127.0.0.1"),
      powerofficePort: reader.port("POWEROFFICE_SUBGRAPH_PORT", 4001),
      chargebeePort: reader.port("CHARGEBEE_SUBGRAPH_PORT", 4002),
      linkPort: reader.port("LINK_SUBGRAPH_PORT", 4003),
      secret: reader.secret("SUBGRAPH_SECRET"),
      urls: readSubgraphUrls(reader),
    },
    gateway: {
      apiKeys: readApiKeys(reader),
      introspection: reader.boolean("GRAPHQL_INTROSPECTION", true),
      maxDepth: reader.integer("GRAPHQL_MAX_DEPTH", 10, { min: 1 }),
      maxCost: reader.integer("GRAPHQL_MAX_COST", 50000, { min: 1 }),
      maxAliases: reader.integer("GRAPHQL_MAX_ALIASES", 15, { min: 0 }),
      maxRootFields: reader.integer("GRAPHQL_MAX_ROOT_FIELDS", 20, { min: 1 }),
      maxBodyBytes: reader.integer("GRAPHQL_MAX_BODY_BYTES", 256 * 1024, { min: 1024 }),
      subgraphWaitSeconds: reader.integer("GATEWAY_SUBGRAPH_WAIT_SECONDS", 120, { min: 1 }),
      queryPlanner: reader.oneOf("GATEWAY_QUERY_PLANNER", ["rust", "js"] as const, "rust"),
      subgraphTimeoutSeconds: reader.integer("GATEWAY_SUBGRAPH_TIMEOUT_SECONDS", 30, { min: 0, max: 86_400 }),
    },
    poweroffice: readPowerOffice(reader),
    chargebee,
    sync: {
      pollIntervalSeconds: reader.integer("SYNC_POLL_INTERVAL_SECONDS", 60, { min: 0 }),
      priority: reader.oneOf("SYNC_PRIORITY", ["poweroffice", "chargebee"] as const, "poweroffice"),
      create: reader.oneOf("SYNC_CREATE", ["both", "poweroffice", "chargebee"] as const, "both"),
      createOff: flowIdList(reader.string("SYNC_CREATE_OFF", "") ?? ""),
      ...optionalDay(reader, "SYNC_INVOICES_FROM", "invoicesFrom"),
      conflictPolicy: conflictPolicyRules(reader),
      historyDays: reader.integer("SYNC_HISTORY_DAYS", 365, { min: 0, max: 36_500 }),
      workerConcurrency: reader.integer("SYNC_WORKER_CONCURRENCY", 2, { min: 1, max: 64 }),
      batchSize: reader.integer("SYNC_BATCH_SIZE", 500, { min: 1, max: 10000 }),
      readFailureAlertAfter: reader.integer("SYNC_READ_FAILURE_ALERT_AFTER", 3, { min: 1, max: 1000 }),
      ...(chargebee.webhookUsername && chargebee.webhookPassword
        ? { chargebeeWebhooks: { catchupIntervalSeconds: chargebee.catchupIntervalSeconds } }
        : {}),
    },
    jobs: {
      heartbeatSeconds: reader.integer("JOB_HEARTBEAT_SECONDS", 30, { min: 10, max: 3600 }),
      superviseIntervalSeconds: reader.integer("JOB_SUPERVISE_INTERVAL_SECONDS", 15, { min: 1, max: 3600 }),
      schemaWaitSeconds: reader.integer("WORKER_SCHEMA_WAIT_SECONDS", 60, { min: 0, max: 3600 }),
    },
    demo: { seed: reader.integer("DEMO_SEED", 42), size: readDemoSize(reader) },
  };
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return config;
}
