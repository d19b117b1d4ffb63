import { test } from "node:test";
import assert from "node:assert/strict";
import { payloadTooLargeError, readBodyWithin, uriTooLongError } from "./request-size.js";

/** A body of `chunks` chunks of `chunkBytes` bytes that counts how many chunks were pulled from it. */
function countingBody(chunks: number, chunkBytes: number) {
  const pulled = { chunks: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.chunks === chunks) return controller.close();
      pulled.chunks += 1;
      controller.enqueue(new Uint8Array(chunkBytes).fill(97));
    },
  });
  return { body, pulled };
}

test("a body within the limit is read whole", async () => {
  const { body } = countingBody(4, 256);
  const bytes = await readBodyWithin(body, 1024);
  assert.equal(bytes.byteLength, 1024);
  assert.ok(bytes.every((byte) => byte === 97));
});

test("a body over the limit is refused at the chunk that passes it; the rest is never pulled", async () => {
  const { body, pulled } = countingBody(10_000, 1024);
  await assert.rejects(readBodyWithin(body, 4096), (error: Error & { extensions?: Record<string, unknown> }) => {
    assert.equal(error.extensions?.code, "PAYLOAD_TOO_LARGE");
    return true;
  });
  // Chunk 5 passes 4096 bytes; a stream pulls at most one chunk ahead of its reader.
  assert.ok(pulled.chunks <= 6, `pulled ${pulled.chunks} chunks of 10000`);
});

test("the 413 says the limit and the variable that sets it, and closes the connection", () => {
  const declared = payloadTooLargeError(262_144, 10_485_760);
  assert.equal(
    declared.message,
    "The request body is 10485760 bytes, more than the 262144 bytes (256 KiB) this gateway accepts (GRAPHQL_MAX_BODY_BYTES). " +
      "Send a smaller query, or fewer or smaller variables.",
  );
  assert.deepEqual(declared.extensions, {
    code: "PAYLOAD_TOO_LARGE",
    limitBytes: 262_144,
    http: { status: 413, headers: { connection: "close" } },
  });
  assert.match(payloadTooLargeError(2000).message, /^The request body is larger than the 2000 bytes this gateway accepts/);
  const uri = uriTooLongError(262_144, 300_000);
  assert.equal(uri.extensions.code, "URI_TOO_LONG");
  assert.deepEqual(uri.extensions.http, { status: 414 });
  assert.match(uri.message, /query string is 300000 bytes.*\(GRAPHQL_MAX_BODY_BYTES\)\. Send the query in a POST body instead\.$/);
});
