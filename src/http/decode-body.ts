import { promisify } from "node:util";
import zlib from "node:zlib";

const DECODERS: Record<string, (payload: Buffer) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  "x-gzip": promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};

/**
 * An HTTP body as sent, decompressed by its content-encoding header (gzip, x-gzip, deflate, br; none or identity as
 * is). An encoding we cannot decode is an error rather than bytes passed on as if they were text.
 */
export async function decodeBody(payload: Buffer, contentEncoding: string | undefined): Promise<Buffer> {
  const encoding = contentEncoding?.trim().toLowerCase();
  if (!encoding || encoding === "identity") return payload;
  const decode = DECODERS[encoding];
  if (!decode) throw new Error(`Unsupported content-encoding ${contentEncoding}`);
  return decode(payload);
}
