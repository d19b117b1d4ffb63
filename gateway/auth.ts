import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiKey, ApiKeyRole } from "../src/config/api-keys.js";

/** Who is calling, as forwarded to the subgraphs in x-caller-name / x-caller-role. */
export interface Caller {
  name: string;
  role: ApiKeyRole;
  /** True for the keyless caller of local development mode. */
  anonymous: boolean;
}

export type Authentication = { kind: "caller"; caller: Caller } | { kind: "missing" } | { kind: "invalid" };

export const ANONYMOUS_DEVELOPER: Caller = Object.freeze({ name: "local-developer", role: "reader", anonymous: true });

/**
 * The key that may run mutations in local development mode (no API_KEYS, loopback only), so the README's examples
 * and the IDE work out of the box. It is public on purpose: it is refused as soon as API_KEYS is set or the gateway
 * listens beyond loopback.
 */
export const LOCAL_INTEGRATOR_KEY = "local-integrator";
const LOCAL_INTEGRATOR: Caller = Object.freeze({ name: "local-integrator", role: "integrator", anonymous: false });

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** Reads the key from `x-api-key`, or from `Authorization: Bearer <key>`. */
export function presentedKey(headers: Headers): string | undefined {
  const direct = headers.get("x-api-key")?.trim();
  if (direct) return direct;
  const authorization = headers.get("authorization")?.trim();
  const match = authorization ? /^Bearer\s+(.+)$/i.exec(authorization) : null;
  return match?.[1]?.trim() || undefined;
}

/**
 * Matches a presented key against every configured key. The keys are compared as SHA-256 digests with
 * timingSafeEqual (equal lengths), and every key is compared, so the time taken says nothing about which key,
 * or how much of one, matched.
 */
export class ApiKeyAuthenticator {
  private readonly entries: Array<{ name: string; role: ApiKeyRole; digest: Buffer }>;

  constructor(
    keys: readonly ApiKey[],
    /** Local development: no keys configured and a loopback listener, so a request without a key may read. */
    readonly openForReading: boolean,
  ) {
    this.entries = keys.map((k) => ({ name: k.name, role: k.role, digest: digest(k.key) }));
  }

  authenticate(headers: Headers): Authentication {
    const key = presentedKey(headers);
    if (key === undefined) {
      return this.openForReading ? { kind: "caller", caller: ANONYMOUS_DEVELOPER } : { kind: "missing" };
    }
    if (this.openForReading && key === LOCAL_INTEGRATOR_KEY) return { kind: "caller", caller: LOCAL_INTEGRATOR };
    const presented = digest(key);
    let found: { name: string; role: ApiKeyRole } | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(presented, entry.digest) && found === undefined) found = entry;
    }
    if (!found) return { kind: "invalid" };
    return { kind: "caller", caller: { name: found.name, role: found.role, anonymous: false } };
  }
}

export type OperationKind = "query" | "mutation" | "subscription";

export interface Refusal {
  code: "UNAUTHENTICATED" | "FORBIDDEN";
  status: 401 | 403;
  message: string;
}

/** Queries need a reader or integrator key; mutations (and subscriptions) need an integrator key. */
export function authorize(caller: Caller, operation: OperationKind): Refusal | null {
  if (operation === "query") return null;
  if (caller.role === "integrator") return null;
  if (caller.anonymous) {
    return {
      code: "UNAUTHENTICATED",
      status: 401,
      message:
        `A ${operation} needs an API key with the integrator role: send it as x-api-key or Authorization: Bearer ` +
        `(configure keys with API_KEYS=name:integrator:<key>; in local development, x-api-key: ${LOCAL_INTEGRATOR_KEY}).`,
    };
  }
  return {
    code: "FORBIDDEN",
    status: 403,
    message: `The API key "${caller.name}" has the ${caller.role} role; a ${operation} needs an integrator key.`,
  };
}

export function missingKeyRefusal(): Refusal {
  return {
    code: "UNAUTHENTICATED",
    status: 401,
    message: "This API needs an API key: send it as x-api-key or Authorization: Bearer <key>.",
  };
}

export function invalidKeyRefusal(): Refusal {
  return { code: "UNAUTHENTICATED", status: 401, message: "The API key is not valid." };
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost", "[::1]"]);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}
