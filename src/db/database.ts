import path from "node:path";
import knexFactory, { type Knex } from "knex";
import pg from "pg";
import type { PGlite } from "@electric-sql/pglite";
import type { DatabaseConfig } from "../config/config.js";
import { redactUrl } from "../config/env-parsers.js";
import { lockDataDirectory } from "./embedded-lock.js";
import { migrationsConfig } from "./migrations-config.js";

const INT8_OID = 20;
// Ids, sequences and counts here stay far below 2^53; both backends then return int8 as a number.
pg.types.setTypeParser(INT8_OID, (value: string) => Number(value));

export interface Database {
  knex: Knex;
  kind: "postgres" | "embedded";
  /** The embedded engine, when kind is "embedded" (for pg-boss, which must share the one instance). */
  pglite?: PGlite;
  /** Where the data lives, safe to print (no password). */
  location: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Embedded only: keep the data in memory instead of DATA_DIR (tests). */
  inMemory?: boolean;
  /** Extra knex settings, e.g. a query listener. */
  searchPath?: string;
}

export async function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Promise<Database> {
  if (config.url) return openPostgres(config);
  return openEmbedded(config, options);
}

function openPostgres(config: DatabaseConfig): Database {
  const knex = knexFactory({
    client: "pg",
    connection: { connectionString: config.url, application_name: "poweroffice-chargebee-gateway" },
    pool: {
      min: 0,
      max: config.poolMax,
      // JIT compiling pays off for long analytic queries, not for these: a sync poll's short planning queries spent
      // most of their time compiling once their estimated cost passed jit_above_cost (bench/README.md).
      afterCreate: (connection: pg.Client, done: (error: Error | null, connection: pg.Client) => void) => {
        connection.query("set jit = off", (error: Error | null) => done(error, connection));
      },
    },
    migrations: migrationsConfig,
    acquireConnectionTimeout: 30_000,
  });
  return {
    knex,
    kind: "postgres",
    location: redactUrl(config.url!),
    close: () => knex.destroy(),
  };
}

async function openEmbedded(config: DatabaseConfig, options: OpenDatabaseOptions): Promise<Database> {
  const directory = path.join(config.dataDir, "pglite");
  // Loaded only here: a process on PostgreSQL (a worker, a subgraph) spares the embedded engine's ~16 MB.
  const [{ PGlite }, { default: ClientPgLite }] = await Promise.all([import("@electric-sql/pglite"), import("knex-pglite")]);
  const release = options.inMemory ? () => {} : lockDataDirectory(directory);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(options.inMemory ? "memory://" : directory, {
      parsers: { [INT8_OID]: (value: string) => Number(value) },
    });
  } catch (error) {
    release();
    throw new Error(
      `Could not open the embedded database in ${directory}: ${(error as Error).message}. ` +
        "If the folder is damaged, move it away (or run npm run db:reset) and start again.",
      { cause: error },
    );
  }
  const knex = knexFactory({
    client: ClientPgLite,
    dialect: "postgres",
    connection: () => ({ pglite }) as unknown as Knex.StaticConnectionConfig,
    migrations: migrationsConfig,
    acquireConnectionTimeout: 120_000,
  });
  return {
    knex,
    kind: "embedded",
    pglite,
    location: options.inMemory ? "embedded PostgreSQL (in memory)" : `embedded PostgreSQL in ${directory}`,
    close: async () => {
      await knex.destroy();
      if (!pglite.closed) await pglite.close();
      release();
    },
  };
}
