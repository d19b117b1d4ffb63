import assert from "node:assert/strict";
import { test } from "node:test";
import zlib from "node:zlib";
import { decodeBody } from "./decode-body.js";

const text = JSON.stringify({ data: { hello: "hei på deg" } });
const raw = Buffer.from(text);

test("decodes gzip, x-gzip, deflate and br, whatever the header's case and spaces", async () => {
  assert.equal((await decodeBody(zlib.gzipSync(raw), "gzip")).toString(), text);
  assert.equal((await decodeBody(zlib.gzipSync(raw), " X-GZIP ")).toString(), text);
  assert.equal((await decodeBody(zlib.deflateSync(raw), "Deflate")).toString(), text);
  assert.equal((await decodeBody(zlib.brotliCompressSync(raw), "br")).toString(), text);
});

test("passes a body with no encoding or identity through, and refuses an encoding it cannot decode", async () => {
  assert.equal(await decodeBody(raw, undefined), raw);
  assert.equal(await decodeBody(raw, "Identity"), raw);
  await assert.rejects(decodeBody(raw, "zstd"), /Unsupported content-encoding zstd/);
  await assert.rejects(decodeBody(Buffer.from("not gzip"), "gzip"));
});
