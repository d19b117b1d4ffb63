/**
 * The client's HTTP transport. By default node:http / node:https with keep-alive, reading each response body into one
 * Buffer and decoding it once: for multi-megabyte list pages this keeps far less memory alive than the web-streams
 * body of the global fetch (see bench/poweroffice.ts). A fetch-compatible function can be used instead.
 */
import http from "node:http";
import https from "node:https";

export interface TransportRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  statusText: string;
  header(name: string): string | null;
  text(): Promise<string>;
}

export type Transport = (url: string, request: TransportRequest) => Promise<TransportResponse>;

/** Anything shaped like the global fetch. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export function transportFromFetch(fetchImpl: FetchLike): Transport {
  return async (url, request) => {
    const response = await fetchImpl(url, { method: request.method, headers: request.headers, body: request.body, signal: request.signal });
    return { status: response.status, statusText: response.statusText, header: (name) => response.headers.get(name), text: () => response.text() };
  };
}

// Idle sockets are closed after 4 s, before a server's usual 5 s keep-alive timeout can close them under a request.
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 16, timeout: 4000 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 16, timeout: 4000 }),
};

// A request that fails on a reused socket is not sent again here: the client's retry policy decides, and a create
// (POST) may have reached the server.
export const nodeHttpTransport: Transport = (input, init) => {
  const url = new URL(input);
  const transport = url.protocol === "https:" ? https : url.protocol === "http:" ? http : undefined;
  if (!transport) return Promise.reject(new TypeError(`Unsupported protocol ${url.protocol}`));
  const body = init.body === undefined ? undefined : Buffer.from(init.body, "utf8");
  const headers: Record<string, string> = { ...init.headers };
  if (body) headers["Content-Length"] = String(body.length);

  return new Promise<TransportResponse>((resolve, reject) => {
    const signal = init.signal;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const request = transport.request(url, { method: init.method, headers, agent: agents[url.protocol as "http:" | "https:"] });
    const onAbort = () => request.destroy(signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason)));
    signal?.addEventListener("abort", onAbort, { once: true });
    const fail = (error: Error) => {
      signal?.removeEventListener("abort", onAbort);
      reject(signal?.aborted ? signal.reason : error);
    };
    request.on("error", fail);
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", fail);
      response.on("aborted", () => fail(new Error("The connection closed before the response was complete")));
      response.on("end", () => {
        signal?.removeEventListener("abort", onAbort);
        const payload = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        chunks.length = 0;
        resolve({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? "",
          header: (name) => {
            const value = response.headers[name.toLowerCase()];
            return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
          },
          text: async () => payload.toString("utf8"),
        });
      });
    });
    request.end(body);
  });
};
