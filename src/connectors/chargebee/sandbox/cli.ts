/**
 * `npm run sandbox:chargebee [-- --port 4102 --size demo|N --seed 42 --requests-per-minute 150 --webhook-url URL]`
 * Starts the Chargebee sandbox on its own and prints where it is and its demo API key. Port, seed and size default
 * to CHARGEBEE_SANDBOX_PORT, DEMO_SEED and DEMO_SIZE; webhooks use CHARGEBEE_WEBHOOK_USERNAME/PASSWORD. The data is
 * saved under DATA_DIR/sandboxes (the same as npm start's); seed and size apply only when nothing is saved there.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../../../config/config.js";
import { ConfigError } from "../../../config/env-parsers.js";
import { createLogger } from "../../../logging/logger.js";
import { sandboxStateDirectory } from "../../sandbox-state/index.js";
import { startChargebeeSandbox, type SandboxSize } from "./index.js";

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      size: { type: "string" },
      seed: { type: "string" },
      "requests-per-minute": { type: "string" },
      "webhook-url": { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    process.stdout.write(
      "Usage: npm run sandbox:chargebee -- [--port 4102] [--size demo|N] [--seed 42] [--requests-per-minute 0] [--webhook-url http://127.0.0.1:4000/webhooks/chargebee]\n",
    );
    return;
  }
  const number = (name: string, raw: string | undefined, fallback: number): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) fail(`--${name} must be a whole number ≥ 0, got "${raw}"`);
    return value;
  };
  const size: SandboxSize =
    values.size === undefined
      ? config.demo.size
      : values.size === "demo"
        ? "demo"
        : number("size", values.size, 0) || fail("--size must be demo or a number ≥ 1");
  const logger = createLogger({ level: config.log.level, format: config.log.format, name: "chargebee-sandbox" });
  const webhookUrl = values["webhook-url"];
  const started = Date.now();
  const sandbox = await startChargebeeSandbox({
    port: number("port", values.port, config.chargebee.sandboxPort),
    host: values.host ?? "127.0.0.1",
    seed: number("seed", values.seed, config.demo.seed),
    size,
    requestsPerMinute: number("requests-per-minute", values["requests-per-minute"], 0),
    logger,
    stateDirectory: sandboxStateDirectory(config.database.dataDir),
    ...(webhookUrl ? { webhook: { url: webhookUrl, username: config.chargebee.webhookUsername, password: config.chargebee.webhookPassword } } : {}),
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EADDRINUSE") fail(`Port ${values.port ?? config.chargebee.sandboxPort} is in use: set CHARGEBEE_SANDBOX_PORT or pass --port`);
    throw error;
  });
  const lines = [
    `Chargebee sandbox ready in ${Date.now() - started} ms`,
    `  site:      ${sandbox.site}`,
    `  site URL:  ${sandbox.url}`,
    `  API key:   ${sandbox.apiKey}   (HTTP Basic username, empty password)`,
    `  admin:     ${sandbox.adminUrl}   (same key)`,
    `  seeded:    ${JSON.stringify(sandbox.seeded)} (seed ${sandbox.seedOptions.seed}, size ${sandbox.seedOptions.size})`,
    `  saved:     ${path.dirname(sandbox.savedState!.files.snapshot)} (${sandbox.savedState!.restored ? "restored from there" : "seeded and saved there"}; npm run db:reset starts afresh)`,
    `  webhooks:  ${webhookUrl ?? "off (--webhook-url)"}`,
    `  try:       curl -u ${sandbox.apiKey}: '${sandbox.url}/customers?limit=2'`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  const stop = async () => {
    await sandbox.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

await main();
