import type { AppConfig } from "../config/config.js";
import { createChargebeeClient } from "../connectors/chargebee/index.js";
import { CHARGEBEE_SANDBOX_HOST } from "../connectors/chargebee/index.js";
import { createPowerOfficeClient } from "../connectors/poweroffice/index.js";
import type { Logger } from "../logging/logger.js";
import type { SyncClients } from "./runs/types.js";

export type { SyncClients };

/**
 * Both API clients from the configuration. In sandbox mode (no credentials set) they point at the bundled
 * sandboxes: PowerOffice at POWEROFFICE_API_BASE_URL (default http://127.0.0.1:4101/v2, the demo keys), Chargebee at
 * 127.0.0.1:CHARGEBEE_SANDBOX_PORT (the sandbox site and key).
 */
export function createSyncClients(config: AppConfig, options: { logger: Logger }): SyncClients {
  return {
    poweroffice: createPowerOfficeClient(config.poweroffice, { logger: options.logger.child({ api: "poweroffice" }) }),
    chargebee: createChargebeeClient(config.chargebee, { logger: options.logger.child({ api: "chargebee" }) }),
  };
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
