/** Time as a budget sees it; tests pass a clock they move by hand. */
export interface BudgetClock {
  now(): number;
  /** Runs `run` after `ms`; with keepAlive false the timer does not keep the process running. Returns a cancel. */
  schedule(run: () => void, ms: number, keepAlive: boolean): () => void;
}

export const realClock: BudgetClock = {
  now: () => Date.now(),
  schedule(run, ms, keepAlive) {
    const timer = setTimeout(run, Math.max(0, ms));
    if (!keepAlive) timer.unref();
    return () => clearTimeout(timer);
  },
};
