/** A sandbox's saved state cannot be read or written. The message names the file and what to do. */
export class SavedStateError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = "SavedStateError";
  }
}

/**
 * What to do with damaged saved state. Resetting the sandbox alone would leave the synced data pointing at records
 * it no longer has, so the advice is the reset of both.
 */
export const DAMAGED_STATE_ADVICE =
  "Run npm run db:reset to start the database and both sandboxes afresh from their demo seed (or move the file away, " +
  "which loses the sandbox's records while the database still refers to them)";
