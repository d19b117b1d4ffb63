import "reflect-metadata";
import { loadConfigOrExit } from "./config/load-config-or-exit.js";
import { createLogger } from "./logging/logger.js";
import { startApp } from "./app/start-app.js";

const STOP_TIMEOUT_MS = 30_000;

const config = loadConfigOrExit();
const logger = createLogger({ ...config.log, name: "app" });
try {
  const app = await startApp(config, logger);
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) {
        logger.warn({ signal }, "second signal: stopping now; sync jobs cut short are retried at the next start");
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, "stopping: finishing the requests and sync jobs in hand (Ctrl+C again stops at once)");
      const deadline = setTimeout(() => {
        logger.warn(`still stopping after ${STOP_TIMEOUT_MS / 1000} s: stopping now; sync jobs cut short are retried at the next start`);
        process.exit(1);
      }, STOP_TIMEOUT_MS);
      deadline.unref();
      app.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "error while stopping");
          process.exit(1);
        },
      );
    });
  }
} catch (error) {
  logger.fatal({ err: error }, `could not start: ${(error as Error).message}`);
  process.exit(1);
}
