import type { Knex } from "knex";
import { migrationsConfig } from "./migrations-config.js";

export interface MigrationResult {
  batch: number;
  applied: string[];
}

export async function migrateLatest(knex: Knex): Promise<MigrationResult> {
  const [batch, applied] = (await knex.migrate.latest(migrationsConfig)) as [number, string[]];
  return { batch, applied };
}

/** Rolls back every applied migration, newest first. */
export async function rollbackAll(knex: Knex): Promise<string[]> {
  const [, rolledBack] = (await knex.migrate.rollback(migrationsConfig, true)) as [number, string[]];
  return rolledBack;
}

export async function pendingMigrations(knex: Knex): Promise<string[]> {
  const [, pending] = (await knex.migrate.list(migrationsConfig)) as [unknown[], Array<{ file: string }>];
  return pending.map((m) => m.file);
}
