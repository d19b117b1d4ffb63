import type { BudgetState } from "./budget-state.js";
import { realClock, type BudgetClock } from "./clock.js";

/** A change to one account's state: the new state and what to tell the caller. Must be pure (it may run again). */
export type BudgetStateChange<T> = (state: BudgetState | undefined, now: number) => { state: BudgetState; result: T };

/**
 * Where the budgets' states live. `update` applies a change atomically to the account's current state, on the
 * store's clock, and answers with the change's result and that clock's reading when the answer was made.
 */
export interface BudgetStateStore {
  update<T>(key: string, change: BudgetStateChange<T>): Promise<{ result: T; now: number }>;
}

/** States kept in this process: a budget for one process only (the embedded database, tests). */
export class MemoryBudgetStateStore implements BudgetStateStore {
  private readonly states = new Map<string, BudgetState>();

  constructor(private readonly clock: BudgetClock = realClock) {}

  async update<T>(key: string, change: BudgetStateChange<T>): Promise<{ result: T; now: number }> {
    const now = this.clock.now();
    const { state, result } = change(this.states.get(key), now);
    this.states.set(key, state);
    return { result, now };
  }
}
