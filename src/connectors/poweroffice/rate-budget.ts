/**
 * Client-side request budget: spaces requests at least 1000/rps ms apart (so a sliding one-second window on the
 * server never sees more than rps), and holds everyone back while a server-side Retry-After is in force.
 */
export interface RateBudgetClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

const realClock: RateBudgetClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class RateBudget {
  private nextSlot = 0;
  private pausedUntil = 0;

  constructor(
    private readonly requestsPerSecond: number,
    private readonly clock: RateBudgetClock = realClock,
  ) {}

  /** Resolves when the caller may send; returns how long it waited. */
  async acquire(): Promise<number> {
    const now = this.clock.now();
    let at = Math.max(now, this.pausedUntil);
    if (this.requestsPerSecond > 0) {
      // 2 % slack: the server's one-second window and our timers do not share a clock to the millisecond.
      const interval = (1000 / this.requestsPerSecond) * 1.02;
      at = Math.max(at, this.nextSlot);
      this.nextSlot = at + interval;
    }
    const wait = at - now;
    if (wait > 0) await this.clock.sleep(wait);
    return Math.max(0, wait);
  }

  /** Called on a 429: nobody sends before `ms` from now. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }
}
