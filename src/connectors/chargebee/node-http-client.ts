/**
 * The SDK's HTTP transport on node:http / node:https with keep-alive, instead of its default global fetch.
 *
 * Why: a sync makes one Chargebee request per record written, and fetch (undici) costs far more CPU and garbage per
 * request than the request itself: web streams for the body and the response, abort signals held until a
 * FinalizationRegistry runs, and a body written chunk by chunk. This transport sends the body with one write and
 * reads the answer into one Buffer. The SDK still builds its `Request` (we read the method, URL, headers and body from
 * it) and consumes only `status`, `headers.entries()` and `json()` of the answer.
 */
import http from "node:http";
import https from "node:https";
import { decodeBody } from "../../http/decode-body.js";
import type { HttpClientInterface } from "chargebee";

// Idle sockets are closed after 4 s, before a server's usual 5 s keep-alive timeout can close them under a request.
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 16, timeout: 4000 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 16, timeout: 4000 }),
};

/** What the SDK reads of an answer (its handleResponse): the status, the headers and the JSON body. */
interface SdkResponse {
  status: number;
  headers: Map<string, string>;
  json(): Promise<unknown>;
}

/** The error the SDK's own transport rejects with on a timeout; toChargebeeApiError maps it to a "timeout". */
function timeoutError(): Record<string, unknown> {
  return {
    message: "io_error",
    type: "timeout",
    api_error_code: "request aborted due to timeout.",
    error_code: "request aborted due to timeout.",
    http_status_code: 504,
    http_code: 504,
  };
}

/** The body as text, decompressed when the server compressed it (fetch asks for gzip and deflate; so do we). */
async function bodyText(payload: Buffer, encoding: string | undefined): Promise<string> {
  return (await decodeBody(payload, encoding)).toString("utf8");
}

function responseHeaders(raw: http.IncomingHttpHeaders): Map<string, string> {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

async function send(request: Request, timeoutMs: number): Promise<SdkResponse> {
  const url = new URL(request.url);
  const transport = url.protocol === "https:" ? https : url.protocol === "http:" ? http : undefined;
  if (!transport) throw new TypeError(`Unsupported protocol ${url.protocol}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers) headers[name] = value;
  headers["accept-encoding"] ??= "gzip, deflate";
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
  if (body) headers["content-length"] = String(body.length);

  return new Promise<SdkResponse>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const outgoing = transport.request(url, { method: request.method, headers, agent: agents[url.protocol as "http:" | "https:"] });
    const timer = setTimeout(() => {
      finish(() => reject(timeoutError()));
      outgoing.destroy();
    }, timeoutMs);
    // A lost connection rejects like fetch does: an Error whose cause carries the system code (ECONNRESET, …).
    const fail = (error: Error) => finish(() => reject(new Error(error.message, { cause: error })));
    outgoing.on("error", fail);
    outgoing.on("response", (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.on("error", fail);
      incoming.on("aborted", () => fail(new Error("The connection closed before the response was complete")));
      incoming.on("end", () => {
        const payload = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        finish(() =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: responseHeaders(incoming.headers),
            json: async () => JSON.parse(await bodyText(payload, incoming.headers["content-encoding"])) as unknown,
          }),
        );
      });
    });
    outgoing.end(body);
  });
}

export const nodeHttpClient: HttpClientInterface = {
  // The SDK types the answer as a fetch Response but reads only what SdkResponse has.
  makeApiRequest: (request, timeout) => send(request, timeout) as unknown as Promise<Response>,
};
