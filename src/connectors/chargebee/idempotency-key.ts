import { createHash } from "node:crypto";
import { canonicalJson } from "../../datasets/content-hash.js";

/** Chargebee takes idempotency keys of up to 100 characters. */
const MAX_KEY_LENGTH = 100;
const FINGERPRINT_LENGTH = 16;

/**
 * The key a write is sent with: the caller's intent ("create-invoice-po-so-…"), then a fingerprint of what is sent
 * (operation, parameters, business entity). The same intent with the same parameters gives the same key, so a
 * retry within Chargebee's 30-minute window replays the first answer; changed parameters give a new key, so
 * Chargebee never sees one key with two sets of parameters.
 */
export function requestIdempotencyKey(intent: string, endpoint: string, params: unknown, businessEntityId: string | undefined): string {
  const fingerprint = createHash("sha256")
    .update(canonicalJson({ endpoint, params: params ?? null, businessEntityId: businessEntityId ?? null }))
    .digest("base64url")
    .slice(0, FINGERPRINT_LENGTH);
  return `${intent.slice(0, MAX_KEY_LENGTH - FINGERPRINT_LENGTH - 1)}~${fingerprint}`;
}
