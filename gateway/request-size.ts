import { GraphQLError } from "graphql";
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";

const LIMIT_VARIABLE = "GRAPHQL_MAX_BODY_BYTES";

function describeBytes(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes} bytes (${bytes / 1024} KiB)` : `${bytes} bytes`;
}

/**
 * 413 for a body over the limit. `connection: close`: the rest of a refused body is never read, so the connection
 * cannot carry another request.
 */
export function payloadTooLargeError(limitBytes: number, declaredBytes?: number): GraphQLError {
  const size = declaredBytes === undefined ? "larger than" : `${declaredBytes} bytes, more than`;
  return new GraphQLError(
    `The request body is ${size} the ${describeBytes(limitBytes)} this gateway accepts (${LIMIT_VARIABLE}). ` +
      "Send a smaller query, or fewer or smaller variables.",
    {
      extensions: {
        code: "PAYLOAD_TOO_LARGE",
        limitBytes,
        http: { status: 413, headers: { connection: "close" } },
      },
    },
  );
}

/**
 * 414 for a GET whose query string is over the limit: the URI is what is too long (413 is about content), and the
 * query string of a GET carries what a POST body does, so the same limit bounds both.
 */
export function uriTooLongError(limitBytes: number, queryStringBytes: number): GraphQLError {
  return new GraphQLError(
    `The query string is ${queryStringBytes} bytes, more than the ${describeBytes(limitBytes)} this gateway accepts ` +
      `(${LIMIT_VARIABLE}). Send the query in a POST body instead.`,
    { extensions: { code: "URI_TOO_LONG", limitBytes, http: { status: 414 } } },
  );
}

function invalidContentLengthError(): GraphQLError {
  return new GraphQLError("The Content-Length header is not a whole number of bytes.", {
    extensions: { code: "BAD_REQUEST", http: { status: 400, headers: { connection: "close" } } },
  });
}

/**
 * The body, read chunk by chunk and refused as soon as it passes the limit: a chunked or mis-declared body is never
 * held beyond `limitBytes`. The rest is left unread (reading it would cost what the limit is there to save).
 */
export async function readBodyWithin(body: ReadableStream<Uint8Array>, limitBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      reader.releaseLock();
      throw payloadTooLargeError(limitBytes);
    }
    chunks.push(value);
  }
  const whole = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}

/**
 * Bounds every GraphQL request at `maxBodyBytes` (GRAPHQL_MAX_BODY_BYTES): a declared Content-Length over it is
 * refused before a byte of the body is read, a body that turns out longer (chunked, or longer than declared) as soon as
 * it passes the limit, and a GET's query string likewise (414). Runs before the runtime's own 25 MB limit, which then
 * never triggers.
 */
export function useRequestSizeLimit(options: { maxBodyBytes: number }): GatewayPlugin {
  const limit = options.maxBodyBytes;
  return {
    onRequestParse({ request, url, requestParser, setRequestParser, fetchAPI }) {
      if (request.method === "GET") {
        const queryStringBytes = Buffer.byteLength(url.search);
        if (queryStringBytes > limit) throw uriTooLongError(limit, queryStringBytes);
        return;
      }
      const declared = request.headers.get("content-length");
      if (declared !== null) {
        if (!/^\d+$/.test(declared)) throw invalidContentLengthError();
        if (Number(declared) > limit) throw payloadTooLargeError(limit, Number(declared));
      }
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser(async (incoming) => {
        if (!incoming.body) return parse(incoming);
        const body = await readBodyWithin(incoming.body, limit);
        return parse(new fetchAPI.Request(incoming.url, { method: incoming.method, headers: incoming.headers, body, signal: incoming.signal }));
      });
    },
  };
}
