/**
 * Client-side budget: at most `requestsPerMinute` request starts in any sliding window of `windowMs`, and at most
 * `maxConcurrency` requests in flight. The window is a little longer than Chargebee's minute, so network jitter
 * between our start and the server's count cannot push a window over the limit.
 */
export interface RequestBudgetOptions {
  /** 0 = no per-minute limit. */
  requestsPerMinute: number;
  maxConcurrency: number;
  windowMs?: number;
  now?: () => number;
}

export class RequestBudget {
  readonly requestsPerMinute: number;
  readonly maxConcurrency: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  /** Start times in the current window, oldest first (a ring would be leaner; 150..3500 entries is small). */
  private starts: number[] = [];
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(options: RequestBudgetOptions) {
    this.requestsPerMinute = Math.max(0, Math.floor(options.requestsPerMinute));
    this.maxConcurrency = Math.max(1, Math.floor(options.maxConcurrency));
    this.windowMs = options.windowMs ?? 61_000;
    this.now = options.now ?? Date.now;
  }

  /** Waits for a slot; call the returned release when the request has finished. */
  async acquire(): Promise<() => void> {
    while (!this.canStart()) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        this.scheduleWake();
      });
    }
    this.inFlight += 1;
    if (this.requestsPerMinute > 0) this.starts.push(this.now());
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      this.wakeAll();
    };
  }

  /** Milliseconds until a request may start as far as time is concerned (0 = now). */
  delayUntilRoom(): number {
    if (this.requestsPerMinute === 0) return 0;
    this.expire();
    if (this.starts.length < this.requestsPerMinute) return 0;
    return Math.max(1, this.starts[0]! + this.windowMs - this.now());
  }

  private canStart(): boolean {
    return this.inFlight < this.maxConcurrency && this.delayUntilRoom() === 0;
  }

  private expire(): void {
    const cutoff = this.now() - this.windowMs;
    let drop = 0;
    while (drop < this.starts.length && this.starts[drop]! <= cutoff) drop += 1;
    if (drop > 0) this.starts = this.starts.slice(drop);
  }

  private scheduleWake(): void {
    if (this.timer || this.inFlight >= this.maxConcurrency) return;
    const delay = this.delayUntilRoom();
    if (delay === 0) {
      queueMicrotask(() => this.wakeAll());
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wakeAll();
    }, delay);
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
