import type { Database } from "../db/database.js";
import { pendingMigrations } from "../db/migrate.js";
import type { Logger } from "../logging/logger.js";

/**
 * Waits until every migration is applied, or fails with what to do. A worker never migrates itself: `npm run
 * migrate` (or `npm start`) does. On the embedded database nobody else can migrate while this process holds it, so
 * a missing schema fails at once.
 */
export async function waitForSchema(
  db: Database,
  options: { logger: Logger; waitSeconds: number; signal?: AbortSignal; /** What to tell the user to run. */ command?: string },
): Promise<void> {
  const deadline = Date.now() + (db.kind === "embedded" ? 0 : options.waitSeconds * 1000);
  let logged = false;
  for (;;) {
    let pending: string[];
    try {
      pending = await pendingMigrations(db.knex);
    } catch (error) {
      throw new Error(`Could not read the schema of ${db.location}: ${(error as Error).message}`, { cause: error });
    }
    if (pending.length === 0) return;
    const what = `${pending.length} migration(s) not applied to ${db.location} (${pending.join(", ")})`;
    if (Date.now() >= deadline || options.signal?.aborted) {
      throw new Error(`${what}. Run ${options.command ?? "npm run migrate (npm start also migrates), then start the worker again"}.`);
    }
    if (!logged) {
      options.logger.warn(`${what}; waiting up to ${options.waitSeconds} s for npm run migrate`);
      logged = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
