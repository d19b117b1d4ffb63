/**
 * Client-side request budget. Requests are spaced evenly (window / rps apart) and, as the gateway counts, never more
 * than `requestsPerSecond` are let through in any window (measured from when each was let through, so timers that
 * fire late cannot bunch requests up). The window is a second plus a margin for network jitter. Everyone waits
 * while a server-side Retry-After is in force. Callers are served in order.
 */
export interface RateBudgetClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

const realClock: RateBudgetClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Requests reach the server a little later than we let them go, and not all equally late. */
const JITTER_MARGIN_MS = 50;

export class RateBudget {
  /** When the most recent requests were let through (at most `perWindow` kept). */
  private readonly granted: number[] = [];
  private readonly perWindow: number;
  private readonly windowMs: number;
  private readonly spacingMs: number;
  private pausedUntil = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly requestsPerSecond: number,
    private readonly clock: RateBudgetClock = realClock,
  ) {
    // Below 1 request per second: one request per 1/rps seconds.
    this.perWindow = requestsPerSecond >= 1 ? Math.floor(requestsPerSecond) : 1;
    this.windowMs = (requestsPerSecond >= 1 ? 1000 : 1000 / requestsPerSecond) + JITTER_MARGIN_MS;
    this.spacingMs = this.windowMs / this.perWindow;
  }

  /** Resolves when the caller may send; returns how long it waited. */
  acquire(): Promise<number> {
    const start = this.clock.now();
    const turn = this.queue.then(() => this.waitForTurn());
    this.queue = turn;
    return turn.then(() => Math.max(0, this.clock.now() - start));
  }

  /** Called on a 429: nobody sends before `ms` from now. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  private async waitForTurn(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      let readyAt = this.pausedUntil;
      if (this.requestsPerSecond > 0 && this.granted.length > 0) {
        readyAt = Math.max(readyAt, this.granted[this.granted.length - 1]! + this.spacingMs);
        if (this.granted.length >= this.perWindow) readyAt = Math.max(readyAt, this.granted[this.granted.length - this.perWindow]! + this.windowMs);
      }
      if (now >= readyAt) {
        if (this.requestsPerSecond > 0) {
          this.granted.push(now);
          if (this.granted.length > this.perWindow) this.granted.shift();
        }
        return;
      }
      await this.clock.sleep(readyAt - now);
    }
  }
}
