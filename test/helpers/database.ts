import { randomBytes } from "node:crypto";
import knexFactory, { type Knex } from "knex";
import { openDatabase, type Database } from "../../src/db/database.js";
import { migrateLatest } from "../../src/db/migrate.js";

/**
 * Each test file gets a database of its own: on a PostgreSQL server (DATABASE_URL set) a freshly created database
 * that is dropped afterwards; otherwise an in-memory embedded PostgreSQL. Files can then run in parallel.
 */
export interface TestDatabase extends Database {
  /** Drops the database (server) or closes the engine (embedded). */
  dispose(): Promise<void>;
  /** The server database's URL, for other processes to open it (undefined for the embedded engine). */
  url?: string;
}

export const usingServer = Boolean(process.env.DATABASE_URL);

export async function createTestDatabase({ migrate = true, poolMax = 5 } = {}): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const db = await openDatabase({ dataDir: ".data-test", poolMax: 1 }, { inMemory: true });
    if (migrate) await migrateLatest(db.knex);
    return { ...db, dispose: () => db.close() };
  }
  const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = knexFactory({ client: "pg", connection: serverUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), dataDir: ".data-test", poolMax });
  if (migrate) await migrateLatest(db.knex);
  return {
    ...db,
    url: url.toString(),
    dispose: async () => {
      await db.close();
      await admin.raw(`drop database if exists ${name} with (force)`);
      await admin.destroy();
    },
  };
}

class Rollback extends Error {}

/**
 * Runs `work` inside a transaction that is always rolled back, as graphile-worker's tests do: every test starts from
 * the same state and leaves nothing behind. Inside, use only `trx` (the embedded engine has a single connection).
 */
export async function withRollback<T>(knex: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  let result: T | undefined;
  try {
    await knex.transaction(async (trx) => {
      result = await work(trx);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return result as T;
}
