/**
 * The client's HTTP transport. By default the product's HTTP seam (node:http with keep-alive, each body read into
 * one Buffer): for multi-megabyte list pages this keeps far less memory alive than the web-streams body of the global
 * fetch (see bench/poweroffice.ts). A fetch-compatible function can be used instead.
 */
import { headerValue, keepAliveAgents, sendRequest } from "../../http/send-request.js";

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

const agents = keepAliveAgents({ maxSockets: 16, idleTimeoutMs: 4000 });

/** The default transport: the product's HTTP seam (src/http/send-request.ts). */
export const nodeHttpTransport: Transport = async (input, init) => {
  const answer = await sendRequest(new URL(input), { method: init.method, headers: init.headers, body: init.body, signal: init.signal, agents });
  return {
    status: answer.status,
    statusText: answer.statusText,
    header: (name) => headerValue(answer.headers, name),
    text: async () => answer.body.toString("utf8"),
  };
};
