/**
 * The product's one HTTP client seam: a request over node:http / node:https with keep-alive agents, the answer read
 * whole into one Buffer and decompressed once. The PowerOffice client, the Chargebee SDK's transport and the
 * gateway's subgraph requests are thin adapters over it.
 *
 * Why not the global fetch (undici) or the gateway runtime's: web streams for the body and the answer, abort signals
 * kept until a FinalizationRegistry runs and chunked writes cost more CPU and memory per request than the request
 * itself for the sync's one-request-per-record writes, its multi-megabyte list pages and the gateway's subgraph
 * answers (bench/README.md).
 */
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http";
import https from "node:https";
import { decodeBody } from "./decode-body.js";

export interface HttpAgents {
  "http:": http.Agent;
  "https:": https.Agent;
}

/**
 * Keep-alive agents. `idleTimeoutMs` closes idle sockets before a server's usual 5 s keep-alive timeout can close one
 * under a request.
 */
export function keepAliveAgents(options: { maxSockets?: number; idleTimeoutMs?: number } = {}): HttpAgents {
  const settings = {
    keepAlive: true,
    ...(options.maxSockets ? { maxSockets: options.maxSockets } : {}),
    ...(options.idleTimeoutMs ? { timeout: options.idleTimeoutMs } : {}),
  };
  return { "http:": new http.Agent(settings), "https:": new https.Agent(settings) };
}

export interface OutgoingRequest {
  method: string;
  headers: OutgoingHttpHeaders;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** No answer within this time: rejects with RequestTimeoutError and closes the connection. */
  timeoutMs?: number;
  agents: HttpAgents;
}

export interface IncomingAnswer {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** The body, decompressed when the server sent it compressed. */
  body: Buffer;
}

export class RequestTimeoutError extends Error {
  override readonly name = "RequestTimeoutError";
}

/** Whether this request can go through sendRequest (http or https). */
export function isHttpUrl(url: URL): boolean {
  return url.protocol === "http:" || url.protocol === "https:";
}

/**
 * Sends one request. A request that fails on a reused socket is not sent again here: the caller's retry policy
 * decides, and a POST may have reached the server. An aborted signal rejects with its reason.
 */
export function sendRequest(url: URL, request: OutgoingRequest): Promise<IncomingAnswer> {
  const transport = url.protocol === "https:" ? https : url.protocol === "http:" ? http : undefined;
  if (!transport) return Promise.reject(new TypeError(`Unsupported protocol ${url.protocol}`));
  const { signal } = request;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const body = typeof request.body === "string" ? Buffer.from(request.body, "utf8") : request.body;
  const headers: OutgoingHttpHeaders = { ...request.headers };
  if (body) headers["content-length"] = String(body.length);

  return new Promise<IncomingAnswer>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => outgoing.destroy(signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason)));
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      outcome();
    };
    const fail = (error: Error) => finish(() => reject(signal?.aborted ? signal.reason : error));
    const outgoing = transport.request(url, { method: request.method, headers, agent: request.agents[url.protocol as "http:" | "https:"] });
    signal?.addEventListener("abort", onAbort, { once: true });
    if (request.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        finish(() => reject(new RequestTimeoutError(`No answer within ${request.timeoutMs} ms`)));
        outgoing.destroy();
      }, request.timeoutMs);
    }
    outgoing.on("error", fail);
    outgoing.on("response", (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.on("error", fail);
      incoming.on("aborted", () => fail(new Error("The connection closed before the response was complete")));
      incoming.on("end", () => {
        const payload = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        chunks.length = 0;
        decodeBody(payload, incoming.headers["content-encoding"]).then(
          (decoded) =>
            finish(() =>
              resolve({ status: incoming.statusCode ?? 0, statusText: incoming.statusMessage ?? "", headers: incoming.headers, body: decoded }),
            ),
          (error: Error) => fail(error),
        );
      });
    });
    outgoing.end(body);
  });
}

/** A header's value as one string (repeated headers joined), or null. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name.toLowerCase()];
  return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
}
