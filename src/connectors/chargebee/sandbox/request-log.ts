export interface SandboxRequestLogEntry {
  id: number;
  at: string;
  method: string;
  /** The path without the query, e.g. /api/v2/customers. */
  path: string;
  query: string;
  status: number;
  durationMs: number;
  apiErrorCode?: string;
  idempotencyKey?: string;
  replayed?: boolean;
  businessEntityId?: string;
  webhookDisabled?: boolean;
  fault?: string;
}

/** The last `capacity` API requests, oldest first. */
export class RequestLog {
  private entries: SandboxRequestLogEntry[] = [];
  private counter = 0;

  constructor(private readonly capacity = 10_000) {}

  add(entry: Omit<SandboxRequestLogEntry, "id">): SandboxRequestLogEntry {
    const full = { id: ++this.counter, ...entry };
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return full;
  }

  list(filter: { pathIncludes?: string; method?: string; limit?: number } = {}): SandboxRequestLogEntry[] {
    let result = this.entries;
    if (filter.pathIncludes) result = result.filter((entry) => entry.path.includes(filter.pathIncludes!));
    if (filter.method) result = result.filter((entry) => entry.method === filter.method);
    return filter.limit ? result.slice(-filter.limit) : [...result];
  }

  /** Requests counted by status code. */
  countByStatus(): Record<number, number> {
    const counts: Record<number, number> = {};
    for (const entry of this.entries) counts[entry.status] = (counts[entry.status] ?? 0) + 1;
    return counts;
  }

  /** Everything ever logged, including entries no longer kept. */
  get total(): number {
    return this.counter;
  }

  clear(): void {
    this.entries = [];
  }
}
