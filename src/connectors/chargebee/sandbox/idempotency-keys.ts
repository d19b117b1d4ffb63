/** The answer a POST with an idempotency key got, replayed when the key comes again within the window. */
export interface StoredResponse {
  fingerprint: string;
  status: number;
  body: string;
  expiresAt: number;
}

/**
 * Idempotency keys and their answers. Kept in insertion order with one window, so the oldest come first: dropping
 * expired keys stops at the first live one (a scan of the whole map per request made every write O(keys)). Saved
 * state keeps them: a client retrying after a restart must get the first answer, not a second invoice.
 */
export class IdempotencyKeys {
  private readonly stored = new Map<string, StoredResponse>();
  private readonly changed = new Set<string>();
  /** Called when a key is stored while none was waiting to be saved. */
  onFirstChange: () => void = () => {};

  /** The live answer for a key, if any. */
  get(key: string, now: number): StoredResponse | undefined {
    const stored = this.stored.get(key);
    return stored && stored.expiresAt > now ? stored : undefined;
  }

  set(key: string, response: StoredResponse, now: number): void {
    this.prune(now);
    this.stored.delete(key); // a reused key moves to the end, keeping the map in expiry order
    this.stored.set(key, response);
    this.changed.add(key);
    if (this.changed.size === 1) this.onFirstChange();
  }

  clear(): void {
    this.stored.clear();
    this.changed.clear();
  }

  /** Live keys, oldest first (a snapshot). */
  entries(now: number): Array<[string, StoredResponse]> {
    this.prune(now);
    return [...this.stored];
  }

  /** Keys stored since the last call, with their answers (pruned ones left out). */
  takeChanged(): Array<[string, StoredResponse]> {
    const list: Array<[string, StoredResponse]> = [];
    for (const key of this.changed) {
      const stored = this.stored.get(key);
      if (stored) list.push([key, stored]);
    }
    this.changed.clear();
    return list;
  }

  /** Puts a saved key back (saved ones come oldest first). */
  restore(key: string, response: StoredResponse): void {
    this.stored.delete(key);
    this.stored.set(key, response);
  }

  private prune(now: number): void {
    for (const [key, stored] of this.stored) {
      if (stored.expiresAt > now) break;
      this.stored.delete(key);
    }
  }
}
