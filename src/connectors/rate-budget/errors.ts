/** Rejected by acquire({ whilePaused: "report" }) while a vendor's 429 pause is in force: wait it out and ask again. */
export class BudgetPausedError extends Error {
  constructor(readonly remainingMs: number) {
    super(`The vendor asked every client of this account to pause for another ${Math.ceil(remainingMs / 1000)} s`);
    this.name = "BudgetPausedError";
  }
}

/** Rejected by acquire({ maxWaitMs }) when the budget has no room within that time; nothing was taken. */
export class BudgetWaitError extends Error {
  constructor(
    readonly waitMs: number | undefined,
    readonly maxWaitMs: number,
  ) {
    super(
      waitMs === undefined
        ? `The request budget had no room within ${maxWaitMs} ms`
        : `The request budget has no room for another ${Math.ceil(waitMs / 1000)} s; the caller waits at most ${maxWaitMs} ms`,
    );
    this.name = "BudgetWaitError";
  }
}
