import type { OutgoingHttpHeaders } from "node:http";
import { keepAliveAgents, sendRequest } from "../src/http/send-request.js";
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";

type ResponseClass = new (body: Buffer, init: ResponseInit) => Response;
type FetchFn = (url: string, init?: RequestInit, context?: unknown, info?: unknown) => Promise<Response> | Response;

function nodeHeaders(headers: HeadersInit | undefined): OutgoingHttpHeaders {
  const result: OutgoingHttpHeaders = {};
  if (!headers) return result;
  if (Array.isArray(headers)) {
    for (const [name, value] of headers) result[name] = value;
  } else if (typeof (headers as Headers).forEach === "function") {
    (headers as Headers).forEach((value, name) => (result[name] = value));
  } else {
    for (const [name, value] of Object.entries(headers as Record<string, string | null | undefined>)) {
      if (value != null) result[name] = value;
    }
  }
  return result;
}

/**
 * The gateway's HTTP client for subgraph requests: the product's HTTP seam (src/http/send-request.ts), the answer
 * read whole into one Buffer and handed to the runtime's own Response class.
 *
 * Why not the runtime's fetch (@whatwg-node/node-fetch): per subgraph request it builds a Request object, pipes the
 * answer through a PassThrough and a web ReadableStream, and asks for gzip/brotli, which the subgraphs on the private
 * network then spend CPU on. Anything this client does not handle the same way (a body that is not text or bytes, a
 * URL that is not http(s)) still goes to the runtime's fetch.
 */
export function useSubgraphHttpClient(): GatewayPlugin {
  const agents = keepAliveAgents();
  let ResponseType: ResponseClass | undefined;
  let fallbackFetch: FetchFn | undefined;

  async function send(url: URL, init: RequestInit, body: string | Uint8Array | undefined): Promise<Response> {
    const answer = await sendRequest(url, {
      method: init.method ?? "GET",
      headers: nodeHeaders(init.headers),
      body,
      signal: init.signal ?? undefined,
      agents,
    });
    const headers = { ...answer.headers } as Record<string, string | string[]>;
    if (headers["content-encoding"]) {
      delete headers["content-encoding"];
      delete headers["content-length"];
    }
    return new ResponseType!(answer.body, { status: answer.status || 200, statusText: answer.statusText, headers: headers as HeadersInit });
  }

  const subgraphFetch: FetchFn = (url, init = {}, context, info) => {
    const body = init.body ?? undefined;
    const handled =
      ResponseType !== undefined &&
      (url.startsWith("http://") || url.startsWith("https://")) &&
      (body === undefined || typeof body === "string" || body instanceof Uint8Array);
    if (!handled) return fallbackFetch!(url, init, context, info);
    return send(new URL(url), init, body as string | Uint8Array | undefined);
  };

  return {
    onYogaInit({ yoga }) {
      ResponseType = yoga.fetchAPI.Response as unknown as ResponseClass;
    },
    onFetch({ fetchFn, setFetchFn }) {
      fallbackFetch ??= fetchFn as FetchFn;
      setFetchFn(subgraphFetch as Parameters<typeof setFetchFn>[0]);
    },
    onDispose() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  };
}
