import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Knex } from "knex";

/**
 * Migrations are plain CommonJS files (.cjs) so their recorded names are the same under tsx, compiled code and CI.
 */
export const MIGRATIONS_DIRECTORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../migrations");

export const migrationsConfig: Knex.MigratorConfig = {
  directory: MIGRATIONS_DIRECTORY,
  loadExtensions: [".cjs"],
  tableName: "knex_migrations",
};
