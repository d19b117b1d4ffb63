import type { Knex } from "knex";
import type { AppConfig, ChargebeeConfig, DatabaseConfig } from "../config/config.js";
import { createChargebeeClient, type ChargebeeClient } from "../connectors/chargebee/index.js";
import { CHARGEBEE_SANDBOX_HOST } from "../connectors/chargebee/index.js";
import { createPowerOfficeClient } from "../connectors/poweroffice/index.js";
import {
  createPostgresBudgetStateStore,
  PostgresBudgetStateStore,
  sqlRunnerFromKnex,
  type BudgetStateStore,
} from "../connectors/rate-budget/index.js";
import type { Logger } from "../logging/logger.js";
import type { SyncClients } from "./runs/types.js";

export type { SyncClients };

/**
 * Both API clients from the configuration. In sandbox mode (no credentials set) they point at the bundled
 * sandboxes: PowerOffice at POWEROFFICE_API_BASE_URL (default http://127.0.0.1:4101/v2, the demo keys), Chargebee at
 * 127.0.0.1:CHARGEBEE_SANDBOX_PORT (the sandbox site and key). Their request budgets are the vendor accounts' own,
 * shared by every process on the database (see budgetStoreFor).
 */
export function createSyncClients(config: AppConfig, options: { logger: Logger }): SyncClients {
  const budgetStore = budgetStoreFor(config.database, options.logger);
  return {
    poweroffice: createPowerOfficeClient(config.poweroffice, { logger: options.logger.child({ api: "poweroffice" }), budgetStore }),
    chargebee: createConfiguredChargebeeClient(config.chargebee, { logger: options.logger, budgetStore }),
  };
}

/** The Chargebee client from its configuration, for a process that needs that one only (the webhook receiver). */
export function createConfiguredChargebeeClient(
  config: ChargebeeConfig,
  options: { logger: Logger; budgetStore: BudgetStateStore | undefined },
): ChargebeeClient {
  return createChargebeeClient(config, { logger: options.logger.child({ api: "chargebee" }), budgetStore: options.budgetStore });
}

const serverStores = new Map<string, BudgetStateStore>();

/**
 * Where this process keeps the clients' request budgets. On a PostgreSQL server: in the database (table
 * vendor_rate_budgets), so every worker, the webhook receiver and npm start share one budget per vendor account, on
 * a small connection pool of the budget's own. On the embedded database: in this process (undefined), the only one
 * that can open it; the budget then costs no database round trip, and never waits behind the single connection the
 * embedded engine has.
 */
export function budgetStoreFor(database: DatabaseConfig, logger: Logger): BudgetStateStore | undefined {
  if (!database.url) return undefined;
  let store = serverStores.get(database.url);
  if (!store) {
    store = createPostgresBudgetStateStore(database.url, {
      onError: (error) => logger.warn({ err: error }, "the request budgets' database connection failed"),
    }).store;
    serverStores.set(database.url, store);
    logger.info("request budgets: one per vendor account, shared through the database with every other process");
  }
  return store;
}

/** The same for a process that has only its knex instance (the webhook receiver): its statements go through it. */
export function budgetStoreForKnex(knex: Knex): BudgetStateStore | undefined {
  const { client } = (knex.client as { config: Knex.Config }).config;
  return client === "pg" ? new PostgresBudgetStateStore(sqlRunnerFromKnex(knex)) : undefined;
}

/** Where each client goes, for log lines (no secrets). */
export function describeApis(config: AppConfig): { poweroffice: string; chargebee: string } {
  return {
    poweroffice: `${config.poweroffice.mode === "sandbox" ? "sandbox" : config.poweroffice.environment} ${config.poweroffice.apiBaseUrl}`,
    chargebee:
      config.chargebee.mode === "sandbox"
        ? `sandbox http://${CHARGEBEE_SANDBOX_HOST}:${config.chargebee.sandboxPort}`
        : `site ${config.chargebee.site}`,
  };
}

/**
 * In sandbox mode, whether the sandboxes answer. They run inside `npm start` (or `npm run sandbox:poweroffice`);
 * a worker or the CLI on its own has nothing to talk to. Returns one sentence per problem, saying what to do.
 */
export async function checkSandboxesReachable(config: AppConfig): Promise<string[]> {
  const problems: string[] = [];
  const probe = async (url: string) => {
    try {
      await fetch(url, { signal: AbortSignal.timeout(3_000) });
      return true;
    } catch {
      return false;
    }
  };
  if (config.poweroffice.mode === "sandbox") {
    const origin = new URL(config.poweroffice.apiBaseUrl).origin;
    if (!(await probe(`${origin}/_admin`))) {
      problems.push(
        `The PowerOffice sandbox does not answer at ${origin}. Start it (npm start runs both sandboxes, or npm run sandbox:poweroffice), ` +
          "or set POWEROFFICE_APPLICATION_KEY, POWEROFFICE_CLIENT_KEY and POWEROFFICE_SUBSCRIPTION_KEY for the real API.",
      );
    }
  }
  if (config.chargebee.mode === "sandbox") {
    const origin = `http://${CHARGEBEE_SANDBOX_HOST}:${config.chargebee.sandboxPort}`;
    if (!(await probe(`${origin}/_admin`))) {
      problems.push(
        `The Chargebee sandbox does not answer at ${origin}. Start it (npm start runs both sandboxes), ` +
          "or set CHARGEBEE_SITE and CHARGEBEE_API_KEY for a real site.",
      );
    }
  }
  return problems;
}
