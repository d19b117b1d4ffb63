/** Fault injection for the sandbox API: deterministic queues for tests, seeded random rates for soak runs. */
export type FaultKind =
  /** 500 internal_error */
  | "server_error"
  /** 503 internal_temporary_error */
  | "unavailable"
  /** The request is held and never answered (the client's timeout fires). */
  | "timeout"
  /** The connection is closed before the request is processed. */
  | "drop"
  /** The request is processed (a write happens), then the connection is closed: the answer is lost. */
  | "drop_after_write"
  /** 429 api_request_limit_exceeded with Retry-After. */
  | "rate_limit"
  /** 429 lock_timeout with Retry-After. */
  | "lock_timeout";

export const FAULT_KINDS: readonly FaultKind[] = ["server_error", "unavailable", "timeout", "drop", "drop_after_write", "rate_limit", "lock_timeout"];

export interface FaultMatch {
  /** Only requests whose path (after /api/v2) contains this. */
  pathIncludes?: string;
  method?: "GET" | "POST";
}

export interface InjectedFault extends FaultMatch {
  kind: FaultKind;
  /** How many matching requests get it. Default 1. */
  count?: number;
  /** For 429s. Default 1; 0 sends no Retry-After header. */
  retryAfterSeconds?: number;
}

export interface FaultRates {
  serverErrorRate?: number;
  timeoutRate?: number;
  dropRate?: number;
  rateLimitRate?: number;
}

export interface Fault {
  kind: FaultKind;
  retryAfterSeconds: number;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private queue: Array<Required<Pick<InjectedFault, "kind" | "count" | "retryAfterSeconds">> & FaultMatch> = [];
  private rates: Required<FaultRates> = { serverErrorRate: 0, timeoutRate: 0, dropRate: 0, rateLimitRate: 0 };
  private random: () => number;
  /** How many faults of each kind were served. */
  readonly served: Record<FaultKind, number> = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;

  constructor(seed = 1) {
    this.random = mulberry32(seed);
  }

  /** Queues a fault for the next `count` matching requests. */
  inject(fault: InjectedFault): void {
    if (!FAULT_KINDS.includes(fault.kind)) throw new Error(`Unknown fault kind "${fault.kind}"; use one of ${FAULT_KINDS.join(", ")}`);
    this.queue.push({ ...fault, count: fault.count ?? 1, retryAfterSeconds: fault.retryAfterSeconds ?? 1 });
  }

  /** Random faults at these rates (0..1) for every request until cleared. */
  setRates(rates: FaultRates): void {
    for (const [key, value] of Object.entries(rates)) {
      if (typeof value !== "number" || value < 0 || value > 1) throw new Error(`${key} must be a number from 0 to 1`);
    }
    this.rates = { ...this.rates, ...rates };
  }

  clear(): void {
    this.queue = [];
    this.rates = { serverErrorRate: 0, timeoutRate: 0, dropRate: 0, rateLimitRate: 0 };
  }

  describe(): { queued: InjectedFault[]; rates: Required<FaultRates>; served: Record<FaultKind, number> } {
    return { queued: this.queue.map((fault) => ({ ...fault })), rates: { ...this.rates }, served: { ...this.served } };
  }

  /** The fault for this request, if any. */
  next(method: string, path: string): Fault | null {
    const index = this.queue.findIndex(
      (fault) => (!fault.method || fault.method === method) && (!fault.pathIncludes || path.includes(fault.pathIncludes)),
    );
    if (index !== -1) {
      const fault = this.queue[index]!;
      fault.count -= 1;
      if (fault.count <= 0) this.queue.splice(index, 1);
      this.served[fault.kind] += 1;
      return { kind: fault.kind, retryAfterSeconds: fault.retryAfterSeconds };
    }
    const { serverErrorRate, timeoutRate, dropRate, rateLimitRate } = this.rates;
    if (serverErrorRate + timeoutRate + dropRate + rateLimitRate === 0) return null;
    const roll = this.random();
    let kind: FaultKind | null = null;
    if (roll < serverErrorRate) kind = "server_error";
    else if (roll < serverErrorRate + timeoutRate) kind = "timeout";
    else if (roll < serverErrorRate + timeoutRate + dropRate) kind = "drop";
    else if (roll < serverErrorRate + timeoutRate + dropRate + rateLimitRate) kind = "rate_limit";
    if (!kind) return null;
    this.served[kind] += 1;
    return { kind, retryAfterSeconds: 1 };
  }
}
