import { print, type DocumentNode } from "graphql";
import httpTransport from "@graphql-mesh/transport-http";
import { createGraphQLError, type ExecutionRequest, type ExecutionResult, type Executor } from "@graphql-tools/utils";
import type { GatewayConfig } from "@graphql-hive/gateway-runtime";
import { abortSignalAny } from "@graphql-hive/signal";

type Transports = Exclude<NonNullable<GatewayConfig<Record<string, unknown>>["transports"]>, Function>;
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
  if (status === 401 || status === 403) {
    // Our subgraphs refuse only requests without their SUBGRAPH_SECRET: the client's key has nothing to do with it.
    log.error({ subgraph, status }, `subgraph ${subgraph} refused the gateway: the gateway and the subgraph must have the same SUBGRAPH_SECRET`);
    return upstreamError(
      `The ${subgraph} subgraph refused the gateway (HTTP ${status}): the gateway is misconfigured, not your request. ` +
        "Tell its operator; the gateway's log and /readyz say what to fix.",
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
      `The ${subgraph} subgraph answered HTTP ${status} without a GraphQL result. Try again; if it goes on, the gateway's log has its answer.`,
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

/** A subgraph request's deadline: aborts its signal after timeoutMs; clear() once the answer is in. */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  constructor(timeoutMs: number) {
    this.timer = setTimeout(() => this.controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  }
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  get passed(): boolean {
    return this.controller.signal.aborted;
  }
  clear(): void {
    clearTimeout(this.timer);
  }
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
 * abort signal per request; together about a twentieth of the gateway's CPU per request on the benchmark query. This
 * API has no uploads.
 */
export function createSubgraphHttpTransport({ timeoutMs }: SubgraphTransportOptions): Transport {
  return { getSubgraphExecutor: (options) => subgraphExecutor(options, timeoutMs) };
}

function subgraphExecutor(options: TransportOptions, timeoutMs: number): ReturnType<Transport["getSubgraphExecutor"]> {
  const endpoint = options.transportEntry.location;
  const subgraph = options.subgraphName;
  const fetch: MeshFetch = options.fetch;
  let standard: Executor | undefined;
  const standardExecutor = async () => (standard ??= await httpTransport.getSubgraphExecutor(options));
  if (!endpoint || endpoint.includes("{") || !fetch) return standardExecutor();

  const disposal = new AbortController();
  const execute = async (request: ExecutionRequest): Promise<ExecutionResult> => {
    if (request.operationType === "subscription") {
      return (await standardExecutor())(request) as Promise<ExecutionResult>;
    }
    if (disposal.signal.aborted) return shuttingDown(subgraph);
    const { headers: extensionHeaders, ...extensions } = (request.extensions ?? {}) as Record<string, unknown> & {
      headers?: Record<string, string>;
    };
    const requestSignal = request.signal ?? request.info?.signal;
    const deadline = timeoutMs > 0 ? new Deadline(timeoutMs) : null;
    const signals = [disposal.signal, ...(requestSignal ? [requestSignal] : []), ...(deadline ? [deadline.signal] : [])];
    let text: string;
    let status: number;
    try {
      const response = await fetch(
        endpoint,
        {
          method: "POST",
          headers: { accept: ACCEPT, "content-type": "application/json", ...extensionHeaders },
          body: requestBody(request, extensions),
          // Not AbortSignal.any: on Node 20 the long-lived disposal signal keeps every combined signal it ever made
          // (nodejs/node#55351), one per subgraph request, for the executor's lifetime.
          signal: signals.length > 1 ? (abortSignalAny(signals) ?? disposal.signal) : disposal.signal,
        },
        request.context,
        request.info,
      );
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (deadline?.passed) {
        options.log.warn({ subgraph, url: endpoint, timeoutMs }, "subgraph request timed out");
        return upstreamError(
          `The ${subgraph} subgraph did not answer within ${timeoutMs / 1000} s (GATEWAY_SUBGRAPH_TIMEOUT_SECONDS). ` +
            "Try again; if it goes on, the gateway's /readyz and log say which subgraph is slow.",
          "GATEWAY_TIMEOUT",
          subgraph,
        );
      }
      if (disposal.signal.aborted) return shuttingDown(subgraph);
      if (requestSignal?.aborted) return upstreamError("The request was cancelled", "SUBREQUEST_HTTP_ERROR", subgraph);
      options.log.warn({ subgraph, url: endpoint, error: (error as Error)?.message ?? String(error) }, "subgraph request failed");
      return upstreamError(
        `The ${subgraph} subgraph could not be reached. Try again; if it goes on, the gateway's /readyz and log say why.`,
        "SUBREQUEST_HTTP_ERROR",
        subgraph,
      );
    } finally {
      deadline?.clear();
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
