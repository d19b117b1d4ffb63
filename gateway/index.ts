import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFile } from "node:fs/promises";
import type { Knex } from "knex";
import { createGatewayRuntime, type GatewayRuntime } from "@graphql-hive/gateway-runtime";
import { Logger as HiveLogger, type LogLevel as HiveLogLevel } from "@graphql-hive/logger";
import type { AppConfig } from "../src/config/config.js";
import type { Logger } from "../src/logging/logger.js";
import { ApiKeyAuthenticator, LOCAL_INTEGRATOR_KEY, isLoopbackHost } from "./auth.js";
import { composeSupergraph, type SubgraphSource } from "./compose.js";
import { checkDatabase, checkSubgraph, readinessResponse } from "./health.js";
import { createGatewayMetrics, PROMETHEUS_CONTENT_TYPE, type GatewayMetrics } from "./metrics.js";
import { renderSyncMetrics } from "./sync-metrics.js";
import {
  CallerRegistry,
  isNodeRoute,
  routeMatches,
  useApiKeyAuth,
  useGatewayMetrics,
  useOwnRoutes,
  useQueryLimits,
  type ExtraRoute,
  type FetchRoute,
  type NodeRoute,
} from "./plugins.js";
import { ideDefaultHeaders, ideDefaultQuery, IDE_TITLE } from "./ide.js";
import { useSubgraphHttpClient } from "./subgraph-fetch.js";
import { createSubgraphHttpTransport } from "./subgraph-transport.js";
import { oneByteSdl } from "./one-byte-sdl.js";
import { queryLimitsOf } from "./limits.js";
import { useRequestSizeLimit } from "./request-size.js";

export { composeSupergraph, CompositionError, type SubgraphSource } from "./compose.js";
export type { ExtraRoute, FetchRoute, NodeRoute } from "./plugins.js";

type GraphiQLOptions = Exclude<Parameters<typeof createGatewayRuntime>[0]["graphiql"], boolean | undefined | ((...args: never[]) => unknown)>;

export const GRAPHQL_PATH = "/graphql";
export const HEALTH_PATH = "/healthz";
export const READY_PATH = "/readyz";
export const METRICS_PATH = "/metrics";

export interface GatewayOptions {
  config: AppConfig;
  subgraphs: SubgraphSource[];
  /** Checked by /readyz when given. */
  knex?: Knex;
  logger: Logger;
  extraRoutes?: ExtraRoute[];
  /**
   * The secret sent as x-subgraph-secret. Defaults to config.subgraphs.secret. In single-process mode, create one
   * with subgraphSecretFor(config) and give the same value to the subgraph servers and to the gateway.
   */
  subgraphSecret?: string;
  /** Also write the composed supergraph SDL to this file. */
  writeSupergraphTo?: string;
  /**
   * "rust": plan queries with Hive's Rust query planner (@graphql-hive/router-runtime), "js": the runtime's own
   * JavaScript planner. Default: config.gateway.queryPlanner.
   */
  queryPlanner?: "rust" | "js";
}

export interface GatewayHandler {
  /** Runs a request through the whole gateway in-process (no port needed). */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  runtime: GatewayRuntime;
  supergraphSdl: string;
  metrics: GatewayMetrics;
  /** Routes answered by plain Node handlers, before the runtime (served by startGateway's server). */
  nodeRoutes: NodeRoute[];
  /** True when queries need no key (no API_KEYS, loopback listener). */
  openForReading: boolean;
  dispose(): Promise<void>;
}

export interface RunningGateway {
  /** http://host:port */
  url: string;
  graphqlUrl: string;
  /** The offline GraphiQL: the GraphQL URL opened in a browser. */
  ideUrl: string;
  supergraphSdl: string;
  metrics: GatewayMetrics;
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Stops accepting requests, lets the ones in flight finish (up to drainMs), then disposes the runtime. */
  close(options?: { drainMs?: number }): Promise<void>;
}

/** The configured secret, or a random one for this process (single-process mode, where nobody else needs it). */
export function subgraphSecretFor(config: AppConfig): string {
  return config.subgraphs.secret ?? randomBytes(32).toString("hex");
}

function hiveLoggerFrom(logger: Logger): HiveLogger {
  const level: HiveLogLevel = logger.isLevelEnabled("debug") ? "debug" : "warn";
  return new HiveLogger({
    level,
    writers: [
      {
        write(writeLevel, attrs, message) {
          const fields = { component: "hive-gateway", ...(attrs && typeof attrs === "object" ? { attrs } : {}) };
          logger[writeLevel](fields, message ?? "");
        },
      },
    ],
  });
}

/** Builds the gateway's request handler: composition, Hive runtime, auth, limits, IDE, health and metrics routes. */
export async function createGateway(options: GatewayOptions): Promise<GatewayHandler> {
  const { config, subgraphs, knex, logger } = options;
  const supergraphSdl = composeSupergraph(subgraphs);
  if (options.writeSupergraphTo) await writeFile(options.writeSupergraphTo, supergraphSdl);
  // Everything in this process that parses the supergraph gets the one-byte copy (see oneByteSdl for why).
  const runtimeSdl = oneByteSdl(supergraphSdl);

  const apiKeys = config.gateway.apiKeys;
  const loopback = isLoopbackHost(config.http.host);
  if (apiKeys.length === 0 && !loopback) {
    throw new Error(
      `API_KEYS is empty and the gateway would listen on ${config.http.host}, reachable from other machines. ` +
        "Set API_KEYS=name:reader:<key>,name:integrator:<key> (keys from openssl rand -hex 24), " +
        "or listen on loopback only with HOST=127.0.0.1 for local development.",
    );
  }
  const openForReading = apiKeys.length === 0 && loopback;
  const authenticator = new ApiKeyAuthenticator(apiKeys, openForReading);
  const secret = options.subgraphSecret ?? config.subgraphs.secret;
  if (!secret) {
    throw new Error(
      "No subgraph secret: set SUBGRAPH_SECRET (openssl rand -hex 32) for the gateway and every subgraph process, " +
        "or pass subgraphSecret (single-process mode: subgraphSecretFor(config)).",
    );
  }

  const metrics = createGatewayMetrics();
  const callers = new CallerRegistry();
  const readiness = () =>
    readinessResponse([...(knex ? [checkDatabase(knex)] : []), ...subgraphs.map((subgraph) => checkSubgraph(subgraph, secret))]);
  const extraRoutes = options.extraRoutes ?? [];
  const ownRoutes: FetchRoute[] = [
    {
      path: HEALTH_PATH,
      handler: () => Response.json({ status: "ok", uptimeSeconds: Math.round(process.uptime()) }, { headers: { "cache-control": "no-store" } }),
    },
    { path: READY_PATH, handler: readiness },
    {
      path: METRICS_PATH,
      method: "GET",
      handler: async () => {
        let sync = "";
        if (knex) {
          try {
            sync = await renderSyncMetrics(knex, { readFailureAlertAfter: config.sync.readFailureAlertAfter });
          } catch (error) {
            logger.warn({ err: error }, "/metrics: the sync's state could not be read from the database");
            sync = "# the sync's state could not be read from the database (see the gateway's log)\n";
          }
        }
        return new Response(metrics.registry.render() + sync, { headers: { "content-type": PROMETHEUS_CONTENT_TYPE } });
      },
    },
    ...extraRoutes.filter((r): r is FetchRoute => !isNodeRoute(r)),
  ];

  let graphiqlPage: string | undefined;
  const graphiql: GraphiQLOptions = {
    title: IDE_TITLE,
    defaultQuery: ideDefaultQuery(runtimeSdl, openForReading),
    headers: ideDefaultHeaders(openForReading),
    shouldPersistHeaders: false,
  };

  const planner = options.queryPlanner ?? config.gateway.queryPlanner;
  const unifiedGraphHandler = planner === "rust" ? (await import("@graphql-hive/router-runtime")).unifiedGraphHandler : undefined;

  const runtime = createGatewayRuntime({
    unifiedGraphHandler,
    supergraph: runtimeSdl,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    logging: hiveLoggerFrom(logger),
    graphiql,
    // The 9 MB offline page is loaded on the first browser visit only, so API-only processes never hold it.
    renderGraphiQL: async (opts) => {
      graphiqlPage ??= (await import("@graphql-yoga/render-graphiql")).renderGraphiQL(opts);
      return graphiqlPage;
    },
    maskedErrors: true,
    // In-flight de-duplication structuredClone()s every subgraph answer (a share of the gateway's CPU per request:
    // bench/README.md) to share the rare identical concurrent request; @apollo/gateway does not de-duplicate POSTs either.
    transportEntries: { "*.http": { options: { deduplicateInflightRequests: false } } },
    // A subgraph that hangs costs the client an error after GATEWAY_SUBGRAPH_TIMEOUT_SECONDS, not a request that never ends.
    transports: { http: createSubgraphHttpTransport({ timeoutMs: config.gateway.subgraphTimeoutSeconds * 1000 }) },
    disableIntrospection: config.gateway.introspection ? undefined : { disableIf: () => true },
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => {
        const caller = callers.get(request);
        return {
          "x-subgraph-secret": secret,
          "x-caller-name": caller?.name,
          "x-caller-role": caller?.role,
        };
      },
    },
    plugins: () => [
      useSubgraphHttpClient(),
      useGatewayMetrics({
        metrics,
        knownRoutes: new Set([GRAPHQL_PATH, ...extraRoutes.map((r) => r.path), ...ownRoutes.map((r) => r.path)]),
        subgraphNameByUrl: new Map(subgraphs.map((s) => [s.url, s.name])),
      }),
      useOwnRoutes(ownRoutes),
      useApiKeyAuth({ authenticator, callers, graphqlPath: GRAPHQL_PATH, metrics }),
      useRequestSizeLimit({ maxBodyBytes: config.gateway.maxBodyBytes }),
      useQueryLimits(queryLimitsOf(config.gateway)),
    ],
  });

  return {
    fetch: (input, init) => Promise.resolve(runtime.fetch(input as string, init)),
    runtime,
    supergraphSdl,
    metrics,
    nodeRoutes: extraRoutes.filter(isNodeRoute),
    openForReading,
    dispose: () => Promise.resolve(runtime[Symbol.asyncDispose]()),
  };
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Starts the gateway on config.http.host:port (port 0: a free port) and says where it serves. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config, logger } = options;
  const gateway = await createGateway(options);
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://gateway").pathname;
    const route = gateway.nodeRoutes.find((r) => routeMatches(r, pathname, req.method ?? "GET"));
    if (!route) return void gateway.runtime(req, res);
    const start = performance.now();
    res.once("finish", () => {
      gateway.metrics.httpRequests.inc({ route: route.path, method: req.method ?? "GET", status: String(res.statusCode) });
      gateway.metrics.httpDuration.observe({ route: route.path }, (performance.now() - start) / 1000);
    });
    Promise.resolve(route.nodeHandler(req, res)).catch((error: unknown) => {
      logger.error({ err: error, route: route.path }, "route handler failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "internal error; see the gateway log" }));
    });
  });
  server.keepAliveTimeout = 65_000;
  let address: AddressInfo;
  try {
    address = await listen(server, config.http.host, config.http.port);
  } catch (error) {
    await gateway.dispose();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new Error(`Port ${config.http.port} on ${config.http.host} is in use: stop the other process or set PORT.`, { cause: error });
    }
    throw error;
  }
  const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${hostForUrl === "0.0.0.0" ? "127.0.0.1" : hostForUrl}:${address.port}`;
  const graphqlUrl = `${url}${GRAPHQL_PATH}`;
  logger.info(
    { subgraphs: options.subgraphs.map((s) => ({ name: s.name, url: s.url })) },
    `gateway serving ${graphqlUrl} (IDE: open it in a browser; health ${url}${HEALTH_PATH}, ` +
      `readiness ${url}${READY_PATH}, metrics ${url}${METRICS_PATH})`,
  );
  if (gateway.openForReading) {
    logger.warn(
      "local development mode: no API_KEYS and listening on loopback, so queries need no key; " +
        `mutations take the local key (x-api-key: ${LOCAL_INTEGRATOR_KEY}), accepted only in this mode`,
    );
  }
  if (!config.gateway.introspection) logger.info("introspection is off (GRAPHQL_INTROSPECTION=false)");

  let closing: Promise<void> | undefined;
  const close = ({ drainMs = 10_000 } = {}) =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const drained = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, drainMs);
        timer.unref();
      });
      await Promise.race([closed, drained]);
      clearTimeout(timer);
      await gateway.dispose();
      logger.info("gateway stopped");
    })());

  return {
    url,
    graphqlUrl,
    ideUrl: graphqlUrl,
    supergraphSdl: gateway.supergraphSdl,
    metrics: gateway.metrics,
    fetch: gateway.fetch,
    close,
  };
}
