/** The API gateway's limit: at most N requests in any one-second window per subscription key. */
export class SlidingWindowLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(public requestsPerSecond: number) {}

  /** True when the request may pass (and counts it); false when it is over the limit. */
  tryPass(key: string, now = Date.now()): boolean {
    if (this.requestsPerSecond <= 0) return true;
    let stamps = this.windows.get(key);
    if (!stamps) {
      stamps = [];
      this.windows.set(key, stamps);
    }
    while (stamps.length > 0 && stamps[0]! <= now - 1000) stamps.shift();
    if (stamps.length >= this.requestsPerSecond) return false;
    stamps.push(now);
    return true;
  }

  reset(): void {
    this.windows.clear();
  }
}
