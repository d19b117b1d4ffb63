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

function upstreamError(message: string, code: string, originalError?: unknown): ExecutionResult {
  return {
    errors: [
      createGraphQLError(message, {
        extensions: { code, request: { method: "POST" } },
        originalError: originalError instanceof Error ? originalError : undefined,
      }),
    ],
  };
}

function resultFrom(text: string): ExecutionResult {
  let parsed: { data?: unknown; errors?: Array<{ message: string } & Record<string, unknown>> };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (error) {
    return upstreamError(`Unexpected response: ${JSON.stringify(text)}`, "RESPONSE_VALIDATION_FAILED", error);
  }
  if (parsed?.data == null && !parsed?.errors?.length) {
    return upstreamError(`Unexpected empty "data" and "errors" fields in result: ${text}`, "RESPONSE_VALIDATION_FAILED");
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
 * The `http` transport for subgraph queries and mutations: prints the subgraph operation once per document, POSTs it as
 * JSON through the gateway's fetch (so onFetch hooks, propagated headers and metrics apply as before) and parses the
 * answer. Subscriptions, and subgraphs whose location is a template, go to @graphql-mesh/transport-http.
 *
 * Why not @graphql-mesh/transport-http for everything: its executor deep-clones the variables of every request to look
 * for file uploads (an entity request carries every representation, so thousands of objects per request) and adds an
 * abort signal per request; together about a twentieth of the gateway's CPU per request on the benchmark query. This
 * API has no uploads.
 */
export const subgraphHttpTransport: Transport = {
  getSubgraphExecutor(options: TransportOptions) {
    const endpoint = options.transportEntry.location;
    const fetch: MeshFetch = options.fetch;
    let standard: Executor | undefined;
    const standardExecutor = async () => (standard ??= await httpTransport.getSubgraphExecutor(options));
    if (!endpoint || endpoint.includes("{") || !fetch) return standardExecutor();

    const disposal = new AbortController();
    const execute = async (request: ExecutionRequest): Promise<ExecutionResult> => {
      if (request.operationType === "subscription") {
        return (await standardExecutor())(request) as Promise<ExecutionResult>;
      }
      if (disposal.signal.aborted) return upstreamError("The gateway is shutting down", "SUBREQUEST_HTTP_ERROR");
      const { headers: extensionHeaders, ...extensions } = (request.extensions ?? {}) as Record<string, unknown> & {
        headers?: Record<string, string>;
      };
      const requestSignal = request.signal ?? request.info?.signal;
      let text: string;
      try {
        const response = await fetch(
          endpoint,
          {
            method: "POST",
            headers: { accept: ACCEPT, "content-type": "application/json", ...extensionHeaders },
            body: requestBody(request, extensions),
            // Not AbortSignal.any: on Node 20 the long-lived disposal signal keeps every combined signal it ever made
            // (nodejs/node#55351), one per subgraph request, for the executor's lifetime.
            signal: requestSignal ? (abortSignalAny([disposal.signal, requestSignal]) ?? disposal.signal) : disposal.signal,
          },
          request.context,
          request.info,
        );
        text = await response.text();
      } catch (error) {
        return upstreamError((error as Error)?.message || "Unknown error", "SUBREQUEST_HTTP_ERROR", error);
      }
      return resultFrom(text);
    };
    return Object.assign(execute as Executor, {
      async [Symbol.asyncDispose]() {
        disposal.abort(options.getDisposeReason?.());
        const disposable = standard as (Executor & Partial<AsyncDisposable>) | undefined;
        await disposable?.[Symbol.asyncDispose]?.();
      },
    });
  },
};
