import { loadConfig, type AppConfig } from "./config.js";
import { ConfigError } from "./env-parsers.js";

/** For process entry points: the configuration, or its problems printed (no stack trace) and exit code 1. */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
}
