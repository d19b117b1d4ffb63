/** One resource's records in memory, in creation order, with their JSON cached for fast list pages. */
import { formatMicros } from "./clock.js";

export type Dto = Record<string, unknown>;

export interface Entry {
  dto: Dto;
  /** LastChangedDateTimeOffset in microseconds since the epoch. */
  changed: number;
  /** The serialised dto (UTF-8, off the V8 heap), rebuilt on every write. */
  json?: Buffer;
}

export class Collection<K extends number | string> {
  private readonly byId = new Map<K, Entry>();
  private ordered?: Entry[];

  /** `onWrite` hears of every record inserted, replaced or deleted (saved state journals them). */
  constructor(private readonly onWrite: (id: K) => void = () => {}) {}

  get size(): number {
    return this.byId.size;
  }

  get(id: K): Entry | undefined {
    return this.byId.get(id);
  }

  has(id: K): boolean {
    return this.byId.has(id);
  }

  /** Every entry in creation order (a cached array; do not modify). */
  entries(): Entry[] {
    this.ordered ??= [...this.byId.values()];
    return this.ordered;
  }

  insert(id: K, dto: Dto, changed: number): Entry {
    if (this.byId.has(id)) throw new Error(`Duplicate id ${String(id)}`);
    const entry: Entry = { dto, changed };
    stamp(entry, changed);
    this.byId.set(id, entry);
    this.ordered = undefined;
    this.onWrite(id);
    return entry;
  }

  /** Replaces the record in place (keeps its position) and moves its LastChanged to `changed`. */
  replace(entry: Entry, dto: Dto, changed: number): void {
    entry.dto = dto;
    stamp(entry, changed);
    this.onWrite(dto.Id as K);
  }

  /** After a record's derived fields were changed in place (its LastChanged stays). */
  changedInPlace(entry: Entry): void {
    entry.json = undefined;
    this.onWrite(entry.dto.Id as K);
  }

  delete(id: K): boolean {
    const removed = this.byId.delete(id);
    if (removed) {
      this.ordered = undefined;
      this.onWrite(id);
    }
    return removed;
  }

  /** Puts a saved record back as it was: in its place if it exists, else last. Its JSON is built when first read. */
  restore(id: K, dto: Dto, changed: number): void {
    const existing = this.byId.get(id);
    if (existing) {
      existing.dto = dto;
      existing.changed = changed;
      existing.json = undefined;
      return;
    }
    this.byId.set(id, { dto, changed });
    this.ordered = undefined;
  }

  /** Removes a record without telling onWrite (replaying a saved delete). */
  forget(id: K): void {
    if (this.byId.delete(id)) this.ordered = undefined;
  }

  clear(): void {
    this.byId.clear();
    this.ordered = undefined;
  }
}

/** Moves LastChanged and serialises the record now (writes are rare, reads are many and should be fast). */
export function stamp(entry: Entry, changed: number): void {
  entry.changed = changed;
  entry.dto.LastChangedDateTimeOffset = formatMicros(changed);
  entry.json = Buffer.from(JSON.stringify(entry.dto), "utf8");
}

export function entryJson(entry: Entry): Buffer {
  entry.json ??= Buffer.from(JSON.stringify(entry.dto), "utf8");
  return entry.json;
}

const OPEN = Buffer.from("[");
const COMMA = Buffer.from(",");
const CLOSE = Buffer.from("]");

/** A JSON array of the entries, assembled from their cached bytes. */
export function entriesJson(entries: readonly Entry[]): Buffer {
  const parts: Buffer[] = [OPEN];
  entries.forEach((entry, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(entryJson(entry));
  });
  parts.push(CLOSE);
  return Buffer.concat(parts);
}
