import http from "node:http";
import type { AddressInfo } from "node:net";
import { HeaderMap, type ApolloServer } from "@apollo/server";
import type { Logger } from "../src/logging/logger.js";
import { silentLogger } from "../src/logging/logger.js";
import type { SubgraphDefinition } from "./index.js";
import { createSubgraphApollo } from "./shared/apollo.js";
import { ANONYMOUS_CALLER, createRequestContext, type Caller, type SubgraphContext, type SubgraphDeps } from "./shared/context.js";
import { secretMatches } from "./shared/secret.js";

export interface SubgraphServerOptions {
  /** Loopback by default: subgraphs are meant to be reached by the gateway only. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** When set, every GraphQL request must carry it in `x-subgraph-secret`, or gets 403. */
  secret?: string;
  deps: SubgraphDeps;
  logger?: Logger;
  /** Adds extensions.sqlQueries to responses (tests, benchmarks). */
  exposeSqlCount?: boolean;
}

export interface RunningSubgraph {
  name: SubgraphDefinition["name"];
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4001/graphql. */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Serves one subgraph over HTTP (POST/GET /graphql or /; GET /healthz). */
export async function startSubgraphServer(def: SubgraphDefinition, options: SubgraphServerOptions): Promise<RunningSubgraph> {
  const logger = (options.logger ?? options.deps.logger ?? silentLogger).child({ subgraph: def.name });
  const apollo = createSubgraphApollo({
    name: def.name,
    schema: def.schema,
    deps: options.deps,
    logger,
    exposeSqlCount: options.exposeSqlCount,
  });
  await apollo.start();
  const server = http.createServer((req, res) => {
    handle(req, res, apollo, def, options).catch((error: unknown) => {
      logger.error({ err: error }, "subgraph request failed");
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}/graphql`;
  logger.info({ url }, `subgraph ${def.name} listening`);
  return {
    name: def.name,
    url,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await apollo.stop();
    },
  };
}

async function handle(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  apollo: ApolloServer<SubgraphContext>,
  def: SubgraphDefinition,
  options: SubgraphServerOptions,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://subgraph");
  if (url.pathname === "/healthz") {
    sendJson(res, 200, { status: "ok", subgraph: def.name });
    return;
  }
  if (url.pathname !== "/graphql" && url.pathname !== "/") {
    sendJson(res, 404, { errors: [{ message: `No route ${url.pathname}: the GraphQL endpoint is /graphql`, extensions: { code: "NOT_FOUND" } }] });
    return;
  }
  const caller = callerOf(req, options.secret);
  if (caller === null) {
    req.resume();
    sendJson(res, 403, {
      errors: [{ message: "This subgraph only answers the gateway: missing or wrong x-subgraph-secret", extensions: { code: "FORBIDDEN" } }],
    });
    return;
  }
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  const method = (req.method ?? "GET").toUpperCase();
  let body: unknown;
  if (method === "POST") {
    const text = await readBody(req);
    if (text === null) {
      sendJson(res, 413, { errors: [{ message: `Request body over ${MAX_BODY_BYTES} bytes`, extensions: { code: "BAD_REQUEST" } }] });
      return;
    }
    const contentType = headers.get("content-type") ?? "";
    if (contentType.includes("json")) {
      try {
        body = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        sendJson(res, 400, { errors: [{ message: "The request body is not valid JSON", extensions: { code: "BAD_REQUEST" } }] });
        return;
      }
    } else {
      body = text;
    }
  }
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method, headers, search: url.search, body },
    context: async () => createRequestContext(options.deps, caller),
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === "complete") {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * null: refused. With a secret configured and presented, the caller headers the gateway forwards are trusted;
 * without a configured secret (local development on loopback) they are taken as labels only (trusted: false).
 */
function callerOf(req: http.IncomingMessage, secret: string | undefined): Caller | null {
  if (secret && !secretMatches(header(req, "x-subgraph-secret"), secret)) return null;
  return {
    name: header(req, "x-caller-name") || (secret ? "gateway" : ANONYMOUS_CALLER.name),
    role: header(req, "x-caller-role") || null,
    trusted: Boolean(secret),
  };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? null : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, payload: unknown): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(JSON.stringify(payload));
}
