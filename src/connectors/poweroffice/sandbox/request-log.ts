/** The last N requests the sandbox answered, for tests and the admin surface. */
export interface RequestLogEntry {
  seq: number;
  /** When the request arrived (what a rate limit counts), ISO 8601. */
  at: string;
  method: string;
  path: string;
  query: string;
  status: number;
  durationMs: number;
  /** The fault applied, if any ("status", "timeout", "drop", "rateLimit", or "limit" for the real rate limit). */
  fault?: string;
}

export class RequestLog {
  private readonly buffer: RequestLogEntry[] = [];
  private seq = 0;

  constructor(private readonly capacity = 10_000) {}

  add(entry: Omit<RequestLogEntry, "seq" | "at"> & { at?: string }): void {
    this.seq += 1;
    this.buffer.push({ seq: this.seq, ...entry, at: entry.at ?? new Date().toISOString() });
    if (this.buffer.length > this.capacity) this.buffer.splice(0, this.buffer.length - this.capacity);
  }

  /** Entries after `sinceSeq` (all kept entries by default). */
  entries(sinceSeq = 0): RequestLogEntry[] {
    return this.buffer.filter((e) => e.seq > sinceSeq);
  }

  /** Requests answered since start (not limited by capacity). */
  get total(): number {
    return this.seq;
  }

  /** Sequence number of the newest entry; pass it to entries() later to see only what came after. */
  get lastSeq(): number {
    return this.seq;
  }

  clear(): void {
    this.buffer.length = 0;
  }
}
