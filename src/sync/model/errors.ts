/** Why a link-table command refused its input; the GraphQL layer maps `code` to its error extensions. */
export type SyncCommandErrorCode = "BAD_USER_INPUT" | "NOT_FOUND" | "CONFLICT";

/** Thrown by the link commands (linkRecords, unlinkRecord, resolveConflict, retryQuarantined) for bad input. */
export class SyncCommandError extends Error {
  override readonly name = "SyncCommandError";
  constructor(
    readonly code: SyncCommandErrorCode,
    message: string,
    /** What a client can act on besides the message (the field and system a write refused); shown as error extensions. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** A record that cannot be synced as it is; the engine quarantines it with `reason` and goes on with the rest. */
export class QuarantineError extends Error {
  override readonly name = "QuarantineError";
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** A record whose dependency (its customer, its products) is not synced yet; it is tried again on the next run. */
export class WaitingError extends Error {
  override readonly name = "WaitingError";
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * A write that cannot be made now for a reason that is not the record's fault (another worker holds the claim on its
 * outbox intent, Chargebee answered in a way only time resolves): the record is left for the next run. It counts as
 * an error (the run ends partial) and is never quarantined.
 */
export class RetryNextRunError extends Error {
  override readonly name = "RetryNextRunError";
}
