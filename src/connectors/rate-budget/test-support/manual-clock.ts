import type { BudgetClock } from "../clock.js";

/** A clock moved by hand; timers fire in time order as it passes them. */
export class ManualClock implements BudgetClock {
  private time = 1_000_000;
  private timers: Array<{ at: number; run: () => void; id: number }> = [];
  private ids = 0;

  now(): number {
    return this.time;
  }

  schedule(run: () => void, ms: number): () => void {
    const id = ++this.ids;
    this.timers.push({ at: this.time + Math.max(0, ms), run, id });
    return () => {
      this.timers = this.timers.filter((timer) => timer.id !== id);
    };
  }

  /** Moves the clock without running the timers it passes, as a stalled event loop does; the next advance runs them late. */
  stall(ms: number): void {
    this.time += ms;
  }

  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((timer) => timer.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = Math.max(this.time, due.at);
      due.run();
    }
    this.time = until;
    await settle();
  }
}

/** Lets pending promise chains run (the stores answer asynchronously). */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}
