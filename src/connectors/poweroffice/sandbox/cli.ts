/**
 * `npm run sandbox:poweroffice`: the PowerOffice Go sandbox on its own, on POWEROFFICE_SANDBOX_PORT (default 4101),
 * with the data saved under DATA_DIR/sandboxes (the same as npm start's), seeded from DEMO_SEED / DEMO_SIZE when
 * nothing is saved there. Prints its URLs and the demo keys; Ctrl+C stops it.
 */
import path from "node:path";
import { loadConfig } from "../../../config/config.js";
import { ConfigError } from "../../../config/env-parsers.js";
import { createLogger } from "../../../logging/logger.js";
import { sandboxStateDirectory } from "../../sandbox-state/index.js";
import { startConfiguredPowerOfficeSandbox, type PowerOfficeSandbox } from "./index.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.log.level, format: config.log.format, name: "poweroffice-sandbox" });
  const port = config.poweroffice.sandboxPort;
  // Standalone, the sandbox runs even when real keys are configured (it never reads them).
  let sandbox: PowerOfficeSandbox;
  try {
    sandbox = (await startConfiguredPowerOfficeSandbox({ ...config, poweroffice: { ...config.poweroffice, mode: "sandbox" } }, logger, {
      stateDirectory: sandboxStateDirectory(config.database.dataDir),
    }))!;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new Error(`Port ${port} is already in use. Stop what runs there, or set POWEROFFICE_SANDBOX_PORT to a free port.`, { cause: error });
    }
    throw error;
  }
  const counts = sandbox.store.counts();
  const lines = [
    "PowerOffice Go sandbox is running.",
    `  API base URL   ${sandbox.apiBaseUrl}`,
    `  Token URL      ${sandbox.tokenUrl}`,
    `  Admin          ${sandbox.adminUrl}   (local only: seed, reset, edit records, faults, request log)`,
    "  Demo keys (fixed, published; the app uses them in sandbox mode when no PowerOffice keys are set):",
    `    application key   ${sandbox.keys.applicationKey}`,
    `    client key        ${sandbox.keys.clientKey}`,
    `    subscription key  ${sandbox.keys.subscriptionKey}`,
    `  Data (seed ${sandbox.seed}, size ${sandbox.size}): ` +
      Object.entries(counts)
        .map(([resource, n]) => `${resource} ${n}`)
        .join(", "),
    `  Saved state    ${path.dirname(sandbox.savedState!.files.snapshot)} (${sandbox.savedState!.restored ? "restored from there" : "seeded and saved there"}; npm run db:reset starts afresh)`,
    `  Rate limit     ${config.poweroffice.sandboxRequestsPerSecond ?? 10} requests/s per subscription key (POWEROFFICE_SANDBOX_REQUESTS_PER_SECOND; 0 = off)`,
    "  Try:",
    `    TOKEN=$(curl -s -X POST ${sandbox.tokenUrl} -u '${sandbox.keys.applicationKey}:${sandbox.keys.clientKey}' \\`,
    `      -H 'Ocp-Apim-Subscription-Key: ${sandbox.keys.subscriptionKey}' -d grant_type=client_credentials | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')`,
    `    curl -s "${sandbox.apiBaseUrl}/Customers?PageSize=3" -H "Authorization: Bearer $TOKEN" -H 'Ocp-Apim-Subscription-Key: ${sandbox.keys.subscriptionKey}'`,
    "Press Ctrl+C to stop.",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);

  const stop = (signal: string) => {
    logger.info({ signal }, "Stopping the PowerOffice sandbox");
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `Could not start the PowerOffice sandbox: ${(error as Error).message}`}\n`);
  process.exit(1);
});
