/** Fault injection: server errors, hung requests, dropped connections and 429 bursts, by count or by rate. */
import { SeededRandom } from "./random.js";

export type FaultKind = "status" | "timeout" | "drop" | "rateLimit";

export interface FaultRule {
  kind: FaultKind;
  /** "status": the HTTP status to answer (default 503). */
  status?: number;
  /** Apply to the next `count` matching requests, then expire. */
  count?: number;
  /** Or apply to this share (0..1) of matching requests, drawn from a seeded generator. */
  rate?: number;
  /** Only requests with this method. */
  method?: string;
  /** Only requests whose path contains this text (e.g. "/Customers", "/OAuth/Token"). */
  pathIncludes?: string;
  /** "timeout": answer normally after this many ms instead of never answering. */
  delayMs?: number;
  /** "rateLimit": the Retry-After to send, in seconds (default 1). */
  retryAfterSeconds?: number;
}

export interface ActiveFault extends FaultRule {
  id: number;
  /** How many requests this rule has hit so far. */
  hits: number;
}

export class FaultInjector {
  private rules: ActiveFault[] = [];
  private nextId = 1;
  private random: SeededRandom;

  constructor(seed: number) {
    this.random = new SeededRandom(seed ^ 0x5eed);
  }

  /** Adds a rule; returns its id (for remove). A rule with neither count nor rate applies to every match. */
  inject(rule: FaultRule): number {
    if (rule.rate !== undefined && (rule.rate < 0 || rule.rate > 1)) throw new RangeError("rate must be between 0 and 1");
    if (rule.count !== undefined && (!Number.isInteger(rule.count) || rule.count < 1)) throw new RangeError("count must be a positive integer");
    const active: ActiveFault = { ...rule, id: this.nextId++, hits: 0 };
    this.rules.push(active);
    return active.id;
  }

  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): ActiveFault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The fault to apply to this request, if any (and counts it). */
  match(method: string, path: string): ActiveFault | undefined {
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.pathIncludes && !path.toLowerCase().includes(rule.pathIncludes.toLowerCase())) continue;
      if (rule.rate !== undefined && this.random.next() >= rule.rate) continue;
      rule.hits += 1;
      if (rule.count !== undefined && rule.hits >= rule.count) this.remove(rule.id);
      return { ...rule };
    }
    return undefined;
  }
}
