export type SandboxRecord = Record<string, unknown> & { id: string };

export interface Entry {
  /** Insertion order: the tie-breaker of every sort, so paging is stable. */
  seq: number;
  record: SandboxRecord;
}

type SortValue = number | string;

function sortValue(entry: Entry, field: string | null): SortValue {
  if (field === null) return entry.seq;
  const value = entry.record[field];
  return typeof value === "number" || typeof value === "string" ? value : entry.seq;
}

function compare(a: SortValue, b: SortValue): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The offset token: the sort value and seq of the last record of a page, opaque to clients. */
export function encodeOffset(field: string | null, entry: Entry): string {
  return Buffer.from(JSON.stringify([sortValue(entry, field), entry.seq])).toString("base64url");
}

export function decodeOffset(token: string): [SortValue, number] | null {
  try {
    const value = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      (typeof value[0] === "number" || typeof value[0] === "string") &&
      typeof value[1] === "number"
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  return null;
}

/** One resource's records: by id, and sorted views cached until the next write. */
export class Collection {
  readonly byId = new Map<string, Entry>();
  private readonly entries: Entry[] = [];
  private version = 0;
  private readonly sorted = new Map<string, { version: number; entries: Entry[] }>();

  /** `onWrite` hears of every record inserted or changed (saved state journals them). */
  constructor(private readonly onWrite: (id: string) => void = () => {}) {}

  get size(): number {
    return this.entries.length;
  }

  insert(record: SandboxRecord, seq: number): Entry {
    const entry = { seq, record };
    this.byId.set(record.id, entry);
    this.entries.push(entry);
    this.version += 1;
    this.onWrite(record.id);
    return entry;
  }

  /** Call after changing a record in place (its sort keys may have moved). */
  touched(id: string): void {
    this.version += 1;
    this.onWrite(id);
  }

  /** Puts a saved record back: in its place if its id exists, else last (saved records come in seq order). */
  restore(record: SandboxRecord, seq: number): void {
    const existing = this.byId.get(record.id);
    if (existing) existing.record = record;
    else {
      const entry = { seq, record };
      this.byId.set(record.id, entry);
      this.entries.push(entry);
    }
    this.version += 1;
  }

  get(id: string): SandboxRecord | undefined {
    return this.byId.get(id)?.record;
  }

  all(): readonly Entry[] {
    return this.entries;
  }

  /** Entries ascending by (field, seq); field null = insertion order. */
  sortedBy(field: string | null): readonly Entry[] {
    if (field === null) return this.entries;
    const cached = this.sorted.get(field);
    if (cached && cached.version === this.version) return cached.entries;
    const entries = [...this.entries].sort((a, b) => compare(sortValue(a, field), sortValue(b, field)) || a.seq - b.seq);
    this.sorted.set(field, { version: this.version, entries });
    return entries;
  }

  /** Index of the first entry after the token in the ascending order (binary search). */
  static indexAfter(entries: readonly Entry[], field: string | null, token: [SortValue, number], descending: boolean): number {
    const [value, seq] = token;
    const after = (entry: Entry) => {
      const order = compare(sortValue(entry, field), value) || entry.seq - seq;
      return descending ? order < 0 : order > 0;
    };
    if (descending) {
      // entries are walked from the end; find the last index i with after(entries[i]) true
      let low = 0;
      let high = entries.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (after(entries[mid]!)) low = mid + 1;
        else high = mid;
      }
      return low - 1;
    }
    let low = 0;
    let high = entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (after(entries[mid]!)) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}
