import { ConfigError } from "../config/env-parsers.js";

/** Runs a command-line entry point: a known problem prints its message alone, anything else its stack too. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof ConfigError) console.error(error.message);
    else if (error instanceof Error) console.error(`Error: ${error.message}${process.env.DEBUG ? `\n${error.stack}` : ""}`);
    else console.error("Error:", error);
    process.exitCode = 1;
  }
}
