import { print, type DocumentNode } from "graphql";
import httpTransport from "@graphql-mesh/transport-http";
import { createGraphQLError, type ExecutionRequest, type ExecutionResult, type Executor } from "@graphql-tools/utils";
import type { GatewayConfig } from "@graphql-hive/gateway-runtime";
import { setMaxListeners } from "node:events";

type Transports = Exclude<NonNullable<GatewayConfig<Record<string, unknown>>["transports"]>, (...args: never[]) => unknown>;
type Transport = Exclude<Awaited<Transports[string]>, { default: unknown }>;
type TransportOptions = Parameters<Transport["getSubgraphExecutor"]>[0];
type MeshFetch = TransportOptions["fetch"];

const ACCEPT = "application/graphql-response+json, application/json";

const printedDocuments = new WeakMap<DocumentNode, string>();

function printed(document: DocumentNode): string {
  let query = printedDocuments.get(document);
  if (query === undefined) {
    query = print(document);
    printedDocuments.set(document, query);
  }
  return query;
}

function hasKeys(record: object | undefined): boolean {
  for (const _ in record) return true;
  return false;
}

function requestBody(request: ExecutionRequest, extensions: Record<string, unknown>): string {
  return JSON.stringify({
    query: printed(request.document),
    variables: hasKeys(request.variables) ? request.variables : undefined,
    operationName: request.operationName || undefined,
    extensions: hasKeys(extensions) ? extensions : undefined,
  });
}

/**
 * An error for the client about one subgraph request. No originalError: the runtime would mask it as "Unexpected
 * error.", and its text (addresses, errno) belongs in the gateway's log, not in answers.
 */
function upstreamError(message: string, code: string, subgraph: string): ExecutionResult {
  return { errors: [createGraphQLError(message, { extensions: { code, serviceName: subgraph } })] };
}

function shuttingDown(subgraph: string): ExecutionResult {
  return upstreamError("The gateway is shutting down: try again in a moment", "SUBREQUEST_HTTP_ERROR", subgraph);
}

/** What the subgraph answered, or an error naming the subgraph when the answer is not a GraphQL result. */
function resultFrom(text: string, status: number, subgraph: string, log: TransportOptions["log"]): ExecutionResult {
  if (status === 403) {
    // Our subgraphs refuse only requests without their SUBGRAPH_SECRET: the client's key has nothing to do with it.
    log.error({ subgraph, status }, `subgraph ${subgraph} refused the gateway: the gateway and the subgraph must have the same SUBGRAPH_SECRET`);
    return upstreamError(
      `The ${subgraph} subgraph refused the gateway (HTTP ${status}): the gateway is misconfigured, not your request. ` +
        "Tell its operator: the gateway's log says what to fix.",
      "SUBREQUEST_HTTP_ERROR",
      subgraph,
    );
  }
  let parsed: { data?: unknown; errors?: Array<{ message: string } & Record<string, unknown>> } | null;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = null;
  }
  if (parsed?.data == null && !parsed?.errors?.length) {
    log.warn({ subgraph, status, body: text.slice(0, 500) }, "subgraph answer is not a GraphQL result");
    return upstreamError(
      `The ${subgraph} subgraph answered HTTP ${status} without a GraphQL result. Try again; if it goes on, the gateway's operator finds its answer in the log.`,
      "SUBREQUEST_HTTP_ERROR",
      subgraph,
    );
  }
  if (Array.isArray(parsed.errors)) {
    return {
      ...(parsed as ExecutionResult),
      errors: parsed.errors.map(({ message, ...options }) => createGraphQLError(message, options)),
    };
  }
  return parsed as ExecutionResult;
}

/**
 * One subgraph request's abort signal: aborted when the gateway shuts down, the client goes away or the deadline
 * passes. Its listeners on the long-lived signals go away with dispose(), when the request ends. Not AbortSignal.any
 * (or a polyfill of it): on Node 20 those keep a listener on the executor's lifetime signal until the combined signal
 * is garbage-collected (nodejs/node#55351).
 */
export class SubgraphRequestSignal {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly abort = () => this.controller.abort();
  timedOut = false;

  constructor(
    private readonly sources: AbortSignal[],
    timeoutMs: number,
  ) {
    for (const source of sources) {
      if (source.aborted) this.controller.abort();
      else source.addEventListener("abort", this.abort, { once: true });
    }
    if (timeoutMs > 0) {
      this.timer = setTimeout(() => {
        this.timedOut = true;
        this.controller.abort();
      }, timeoutMs);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const source of this.sources) source.removeEventListener("abort", this.abort);
  }
}

/** Network errors raised before the request reached the subgraph. */
const NOT_REACHED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED"]);

function errorCode(error: unknown): string | undefined {
  const withCode = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = withCode?.code ?? withCode?.cause?.code;
  return typeof code === "string" ? code : undefined;
}

/** What the client may do next: a mutation may have taken effect before the failure. */
function nextStep(request: ExecutionRequest): string {
  return request.operationType === "mutation"
    ? "The mutation may already have taken effect: check before sending it again."
    : "Try again; if it goes on, the gateway's operator finds the cause in its log.";
}

export interface SubgraphTransportOptions {
  /** How long one subgraph request may take before the client gets GATEWAY_TIMEOUT for it; 0: no limit. */
  timeoutMs: number;
}

/**
 * The `http` transport for subgraph queries and mutations: prints the subgraph operation once per document, POSTs it as
 * JSON through the gateway's fetch (so onFetch hooks, propagated headers and metrics apply as before) and parses the
 * answer. Subscriptions, and subgraphs whose location is a template, go to @graphql-mesh/transport-http.
 *
 * Why not @graphql-mesh/transport-http for everything: its executor deep-clones the variables of every request to look
 * for file uploads (an entity request carries every representation, so thousands of objects per request) and adds an
 * abort signal per request, which showed in the gateway's CPU per request (bench/README.md). This API has no uploads.
 */
export function createSubgraphHttpTransport({ timeoutMs }: SubgraphTransportOptions): Transport {
  return { getSubgraphExecutor: (options) => subgraphExecutor(options, timeoutMs) };
}

function subgraphExecutor(options: TransportOptions, timeoutMs: number): ReturnType<Transport["getSubgraphExecutor"]> {
  const endpoint = options.transportEntry.location;
  const subgraph = options.subgraphName;
  const fetch: MeshFetch = options.fetch;
  let standard: Executor | undefined;
  const standardExecutor = async () => (standard ??= httpTransport.getSubgraphExecutor(options));
  if (!endpoint || endpoint.includes("{") || !fetch) return standardExecutor();

  const disposal = new AbortController();
  // Every request in flight listens on it until it ends: many at once is normal here, not a leak.
  setMaxListeners(0, disposal.signal);
  const execute = async (request: ExecutionRequest): Promise<ExecutionResult> => {
    if (request.operationType === "subscription") {
      return (await standardExecutor())(request) as Promise<ExecutionResult>;
    }
    if (disposal.signal.aborted) return shuttingDown(subgraph);
    const { headers: extensionHeaders, ...extensions } = (request.extensions ?? {}) as Record<string, unknown> & {
      headers?: Record<string, string>;
    };
    const requestSignal = request.signal ?? request.info?.signal;
    const abort = new SubgraphRequestSignal(requestSignal ? [disposal.signal, requestSignal] : [disposal.signal], timeoutMs);
    let text: string;
    let status: number;
    try {
      const response = await fetch(
        endpoint,
        {
          method: "POST",
          headers: { accept: ACCEPT, "content-type": "application/json", ...extensionHeaders },
          body: requestBody(request, extensions),
          signal: abort.signal,
        },
        request.context,
        request.info,
      );
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (abort.timedOut) {
        options.log.warn({ subgraph, url: endpoint, timeoutMs }, "subgraph request timed out");
        return upstreamError(
          `The ${subgraph} subgraph did not answer within ${timeoutMs / 1000} s (GATEWAY_SUBGRAPH_TIMEOUT_SECONDS). ${nextStep(request)}`,
          "GATEWAY_TIMEOUT",
          subgraph,
        );
      }
      if (disposal.signal.aborted) return shuttingDown(subgraph);
      if (requestSignal?.aborted) return upstreamError("The request was cancelled", "SUBREQUEST_HTTP_ERROR", subgraph);
      const code = errorCode(error);
      options.log.warn({ subgraph, url: endpoint, code, error: (error as Error)?.message ?? String(error) }, "subgraph request failed");
      const what = code !== undefined && NOT_REACHED.has(code) ? "could not be reached" : "failed before it finished answering";
      return upstreamError(`The ${subgraph} subgraph ${what}. ${nextStep(request)}`, "SUBREQUEST_HTTP_ERROR", subgraph);
    } finally {
      abort.dispose();
    }
    return resultFrom(text, status, subgraph, options.log);
  };
  return Object.assign(execute as Executor, {
    async [Symbol.asyncDispose]() {
      disposal.abort(options.getDisposeReason?.());
      const disposable = standard as (Executor & Partial<AsyncDisposable>) | undefined;
      await disposable?.[Symbol.asyncDispose]?.();
    },
  });
}
