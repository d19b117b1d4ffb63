/**
 * The SDK's HTTP transport on the product's HTTP seam (src/http/send-request.ts), instead of its default global fetch.
 *
 * Why: a sync makes one Chargebee request per record written, and fetch (undici) costs far more CPU and garbage per
 * request than the request itself: web streams for the body and the response, abort signals held until a
 * FinalizationRegistry runs, and a body written chunk by chunk. This transport sends the body with one write and
 * reads the answer into one Buffer. The SDK still builds its `Request` (we read the method, URL, headers and body from
 * it) and consumes only `status`, `headers.entries()` and `json()` of the answer.
 */
import { RequestTimeoutError, headerValue, keepAliveAgents, sendRequest } from "../../http/send-request.js";
import type { HttpClientInterface } from "chargebee";

const agents = keepAliveAgents({ maxSockets: 16, idleTimeoutMs: 4000 });

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

async function send(request: Request, timeoutMs: number): Promise<SdkResponse> {
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers) headers[name] = value;
  headers["accept-encoding"] ??= "gzip, deflate";
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
  try {
    const answer = await sendRequest(new URL(request.url), { method: request.method, headers, body, timeoutMs, agents });
    const responseHeaders = new Map<string, string>();
    for (const name of Object.keys(answer.headers)) responseHeaders.set(name, headerValue(answer.headers, name)!);
    return { status: answer.status, headers: responseHeaders, json: async () => JSON.parse(answer.body.toString("utf8")) as unknown };
  } catch (error) {
    if (error instanceof RequestTimeoutError) throw timeoutError();
    // A lost connection rejects like fetch does: an Error whose cause carries the system code (ECONNRESET, …).
    throw new Error((error as Error).message, { cause: error });
  }
}

export const nodeHttpClient: HttpClientInterface = {
  // The SDK types the answer as a fetch Response but reads only what SdkResponse has.
  makeApiRequest: (request, timeout) => send(request, timeout) as unknown as Promise<Response>,
};
