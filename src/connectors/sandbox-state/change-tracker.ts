/**
 * Which records a sandbox changed since its state was last saved, in the order they were first changed (so records
 * created in one request are appended in their creation order when the journal is replayed). Off until the sandbox
 * has saved state: seeding 100,000 records need not remember them.
 */
export class ChangeTracker<Resource extends string> {
  private readonly changed = new Map<string, { resource: Resource; id: string | number }>();
  private enabled = false;
  /** Called when the first change after a save is marked. */
  onFirstChange: () => void = () => {};

  enable(): void {
    this.enabled = true;
  }

  /** Runs `work` without remembering what it changes (a reseed, saved whole right after). */
  ignoring<T>(work: () => T): T {
    const was = this.enabled;
    this.enabled = false;
    try {
      return work();
    } finally {
      this.enabled = was;
    }
  }

  mark(resource: Resource, id: string | number): void {
    if (!this.enabled) return;
    const key = `${resource}\u0000${typeof id}\u0000${id}`;
    if (this.changed.has(key)) return;
    this.changed.set(key, { resource, id });
    if (this.changed.size === 1) this.onFirstChange();
  }

  /** The changed records since the last call, first changed first. */
  take(): Array<{ resource: Resource; id: string | number }> {
    const list = [...this.changed.values()];
    this.changed.clear();
    return list;
  }
}
