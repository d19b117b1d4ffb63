/**
 * How many rows a knex `delete()` removed. The pg driver answers a number; the embedded engine's driver answers
 * its result object ({ affectedRows }), so callers that report a count read it through here.
 */
export function deletedCount(result: unknown): number {
  if (typeof result === "number") return result;
  const affected = (result as { affectedRows?: unknown } | null)?.affectedRows;
  return typeof affected === "number" ? affected : 0;
}
