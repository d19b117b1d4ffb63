import type { IncomingMessage, ServerResponse } from "node:http";
import { GraphQLError, getOperationAST, type ExecutionResult } from "graphql";
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { authorize, invalidKeyRefusal, missingKeyRefusal, type ApiKeyAuthenticator, type Caller, type Refusal } from "./auth.js";
import { queryLimitsRule, type QueryLimits } from "./limits.js";
import type { GatewayMetrics } from "./metrics.js";

/** A route served on the gateway's port beside /graphql, answered by a fetch-style handler (also via gateway.fetch). */
export interface FetchRoute {
  path: string;
  /** Only this method; any method when absent. */
  method?: string;
  handler: (request: Request) => Response | Promise<Response>;
}

/**
 * A route answered by a plain Node handler, such as the Chargebee webhook receiver
 * (`{ path: "/webhooks/chargebee", nodeHandler: createChargebeeWebhookHandler(...) }`). Served on the port only.
 */
export interface NodeRoute {
  path: string;
  method?: string;
  nodeHandler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

export type ExtraRoute = FetchRoute | NodeRoute;

export function isNodeRoute(route: ExtraRoute): route is NodeRoute {
  return "nodeHandler" in route;
}

export function routeMatches(route: { path: string; method?: string }, pathname: string, method: string): boolean {
  return route.path === pathname && (route.method === undefined || route.method.toUpperCase() === method.toUpperCase());
}

/**
 * A refusal answered before the body is read. `connection: close`, or the server would read (and drop) whatever body
 * follows, however long, to reach the next request on the connection.
 */
export function graphqlErrorResponse(refusal: Refusal): Response {
  return Response.json(
    { errors: [{ message: refusal.message, extensions: { code: refusal.code } }] },
    {
      status: refusal.status,
      headers: { "content-type": "application/graphql-response+json; charset=utf-8", connection: "close" },
    },
  );
}

function isIdeRequest(request: Request): boolean {
  return request.method === "GET" && (request.headers.get("accept") ?? "").includes("text/html");
}

/** The caller of each request, found once in onRequest and read by every later hook. */
export class CallerRegistry {
  private readonly callers = new WeakMap<Request, Caller>();
  set(request: Request, caller: Caller): void {
    this.callers.set(request, caller);
  }
  get(request: Request | undefined): Caller | undefined {
    return request ? this.callers.get(request) : undefined;
  }
}

/**
 * Authentication before anything is parsed (a caller without a valid key learns nothing about the schema), then
 * authorization per operation type once the document is known.
 */
export function useApiKeyAuth(options: {
  authenticator: ApiKeyAuthenticator;
  callers: CallerRegistry;
  graphqlPath: string;
  metrics: GatewayMetrics;
}): GatewayPlugin {
  const { authenticator, callers, graphqlPath, metrics } = options;
  return {
    onRequest({ request, url, endResponse }) {
      if (url.pathname !== graphqlPath || request.method === "OPTIONS" || isIdeRequest(request)) return;
      const authentication = authenticator.authenticate(request.headers);
      if (authentication.kind === "caller") {
        callers.set(request, authentication.caller);
        return;
      }
      const refusal = authentication.kind === "missing" ? missingKeyRefusal() : invalidKeyRefusal();
      metrics.errors.inc({ code: refusal.code });
      endResponse(graphqlErrorResponse(refusal));
    },
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName)?.operation ?? "query";
      const request = (args.contextValue as { request?: Request }).request;
      const caller = callers.get(request);
      const refusal = caller ? authorize(caller, operation) : missingKeyRefusal();
      if (!refusal) return;
      setResultAndStopExecution({
        errors: [new GraphQLError(refusal.message, { extensions: { code: refusal.code, http: { status: refusal.status } } })],
      });
    },
  };
}

export function useQueryLimits(limits: QueryLimits): GatewayPlugin {
  const rule = queryLimitsRule(limits);
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(rule);
    },
  };
}

function routeLabel(pathname: string, known: ReadonlySet<string>): string {
  return known.has(pathname) ? pathname : "other";
}

function errorCode(error: { extensions?: Record<string, unknown> }): string {
  const code = error.extensions?.code;
  return typeof code === "string" ? code : "INTERNAL_SERVER_ERROR";
}

/** HTTP request counts and durations, GraphQL operations and errors, subgraph calls. */
export function useGatewayMetrics(options: {
  metrics: GatewayMetrics;
  knownRoutes: ReadonlySet<string>;
  subgraphNameByUrl: ReadonlyMap<string, string>;
}): GatewayPlugin {
  const { metrics, knownRoutes, subgraphNameByUrl } = options;
  const startedAt = new WeakMap<Request, number>();
  const operationType = new WeakMap<Request, string>();
  return {
    onRequest({ request }) {
      startedAt.set(request, performance.now());
    },
    onResponse({ request, response }) {
      const start = startedAt.get(request);
      const route = routeLabel(new URL(request.url).pathname, knownRoutes);
      metrics.httpRequests.inc({ route, method: request.method, status: String(response.status) });
      if (start !== undefined) metrics.httpDuration.observe({ route }, (performance.now() - start) / 1000);
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const operation = getOperationAST(args.document, args.operationName)?.operation ?? "query";
      if (request) operationType.set(request, operation);
    },
    onResultProcess({ request, result }) {
      const results = (Array.isArray(result) ? result : [result]) as ExecutionResult[];
      for (const single of results) {
        if (!single || typeof single !== "object" || Symbol.asyncIterator in single) continue;
        const errors = single.errors ?? [];
        for (const error of errors) metrics.errors.inc({ code: errorCode(error) });
        metrics.operations.inc({
          type: operationType.get(request) ?? "unexecuted",
          outcome: errors.length > 0 ? "error" : "ok",
        });
      }
    },
    onFetch({ url }) {
      const start = performance.now();
      const subgraph = subgraphNameByUrl.get(url) ?? "unknown";
      return ({ response }) => {
        metrics.subgraphRequests.inc({ subgraph, status: String(response.status) });
        metrics.subgraphDuration.observe({ subgraph }, (performance.now() - start) / 1000);
      };
    },
  };
}

/** Serves /healthz, /readyz, /metrics and the app's extra routes from the gateway's own request pipeline. */
export function useOwnRoutes(routes: ReadonlyArray<FetchRoute>): GatewayPlugin {
  return {
    async onRequest({ request, url, endResponse }) {
      const route = routes.find((r) => routeMatches(r, url.pathname, request.method));
      if (route) endResponse(await route.handler(request));
    },
  };
}
