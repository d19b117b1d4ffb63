/**
 * SQLSTATE classes caused by the values a statement carries, not by the database being unwell: data exceptions
 * (22: bad text, out-of-range numbers), integrity violations (23) and program limits (54: an index entry too
 * large). Retrying the same rows fails the same way; splitting them finds the one to set aside. Anything else
 * (connection lost, server shutting down, lock timeouts) is transient and must not be blamed on a record.
 */
const DATA_ERROR_CLASSES = new Set(["22", "23", "54"]);

/** Records the datasets refused inside a transaction that must not commit without them. */
export class UnstorableRecordsError extends Error {
  override readonly name = "UnstorableRecordsError";
  constructor(readonly reasons: readonly string[]) {
    super(reasons.slice(0, 3).join("; ") + (reasons.length > 3 ? ` (and ${reasons.length - 3} more)` : ""));
  }
}

/** Whether a database error was caused by the rows of the statement (PostgreSQL and PGlite both set `code`). */
export function isDataError(error: unknown): boolean {
  if (error instanceof UnstorableRecordsError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.length === 5 && DATA_ERROR_CLASSES.has(code.slice(0, 2));
}

/** The database's own words, without the statement knex prefixes to it ("insert into … - "). */
export function databaseReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const text = message.includes(" - ") ? message.slice(message.lastIndexOf(" - ") + 3) : message;
  return typeof code === "string" ? `${text} (SQLSTATE ${code})` : text;
}
