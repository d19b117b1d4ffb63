import type { AppConfig } from "../config/config.js";
import type { Logger } from "../logging/logger.js";
import { openDatabase } from "../db/database.js";
import { migrateLatest } from "../db/migrate.js";

export interface RunningApp {
  stop(): Promise<void>;
}

/** Starts every part in one process: the database (migrated first), then the rest. Stops them in reverse order. */
export async function startApp(config: AppConfig, logger: Logger): Promise<RunningApp> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopPart of stops.reverse()) await stopPart();
  };
  try {
    const db = await openDatabase(config.database);
    stops.push(() => db.close());
    const { applied } = await migrateLatest(db.knex);
    logger.info({ applied: applied.length }, `database ready: ${db.location}`);
    return { stop };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
