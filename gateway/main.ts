/**
 * The gateway as a process of its own (npm run gateway): fetches the subgraphs' SDL from their URLs, composes the
 * supergraph and serves /graphql, the IDE, /healthz, /readyz and /metrics on HOST:PORT — and, when
 * CHARGEBEE_WEBHOOK_USERNAME/PASSWORD are set, the Chargebee webhook receiver at /webhooks/chargebee (the workers then
 * leave Chargebee's changes to the webhooks, so this process must receive them).
 */
import { loadConfigOrExit } from "../src/config/load-config-or-exit.js";
import { createLogger } from "../src/logging/logger.js";
import { openDatabase, type Database } from "../src/db/database.js";
import { startGateway } from "./index.js";
import { fetchAllSubgraphSdl } from "./subgraph-sdl.js";
import { startJobQueue, jobQueueSettings, type JobQueue } from "../src/jobs/queue.js";
import { describeApis, requestSyncRun } from "../src/sync/index.js";
import { createChargebeeWebhookRoute, CHARGEBEE_WEBHOOK_PATH, type ChargebeeWebhookRoute } from "../src/app/chargebee-webhook-route.js";

const config = loadConfigOrExit();
const logger = createLogger({ ...config.log, name: "gateway" });

async function main(): Promise<() => Promise<void>> {
  const secret = config.subgraphs.secret;
  if (!secret) {
    throw new Error(
      "SUBGRAPH_SECRET is not set. When the gateway and the subgraphs run as separate processes they share a secret: " +
        "generate one (openssl rand -hex 32) and set SUBGRAPH_SECRET to it for the gateway and every subgraph.",
    );
  }
  const subgraphs = await fetchAllSubgraphSdl(
    [
      { name: "poweroffice", url: config.subgraphs.urls.poweroffice },
      { name: "chargebee", url: config.subgraphs.urls.chargebee },
      { name: "link", url: config.subgraphs.urls.link },
    ],
    { secret, logger, timeoutMs: config.gateway.subgraphWaitSeconds * 1000 },
  );
  // /readyz checks the database only on a PostgreSQL server: the embedded one belongs to a single process.
  const webhookCredentials = chargebeeWebhookCredentials();
  if (webhookCredentials && !config.database.url) {
    throw new Error(
      "CHARGEBEE_WEBHOOK_USERNAME and CHARGEBEE_WEBHOOK_PASSWORD are set, so this gateway receives Chargebee webhooks at " +
        `${CHARGEBEE_WEBHOOK_PATH} and stores them in the database; that needs DATABASE_URL (the embedded database belongs ` +
        "to one process). Set DATABASE_URL to the workers' PostgreSQL, or unset the webhook credentials (the workers then poll Chargebee).",
    );
  }
  let db: Database | undefined;
  if (config.database.url) db = await openDatabase({ ...config.database, poolMax: webhookCredentials ? 4 : 1 });
  else logger.info("embedded database: /readyz checks the subgraphs only (the database belongs to another process)");
  let queue: JobQueue | undefined;
  let webhooks: ChargebeeWebhookRoute | undefined;
  if (db && webhookCredentials) {
    queue = await startJobQueue({ db, logger: logger.child({ component: "queue" }), schedule: false, ...jobQueueSettings(config) });
    const commandDeps = { knex: db.knex, queue, logger };
    webhooks = createChargebeeWebhookRoute({
      knex: db.knex,
      chargebee: config.chargebee,
      credentials: webhookCredentials,
      requestSync: () => requestSyncRun(commandDeps, { mode: "incremental", requestedBy: "chargebee-webhook" }),
      logger,
    });
    logger.info(`Chargebee webhooks: receiving at ${CHARGEBEE_WEBHOOK_PATH}, each confirmed with the Chargebee ${describeApis(config).chargebee}`);
    if (config.chargebee.mode === "sandbox") {
      logger.warn(
        "Chargebee webhooks are confirmed with the sandbox (no CHARGEBEE_SITE / CHARGEBEE_API_KEY): deliveries from a real site " +
          "will be refused until both are set here",
      );
    }
  }
  const gateway = await startGateway({
    config,
    subgraphs,
    knex: db?.knex,
    logger,
    subgraphSecret: secret,
    extraRoutes: webhooks ? [webhooks.route] : [],
  });
  return async () => {
    await gateway.close();
    await webhooks?.stop();
    await queue?.stop({ timeoutMs: 10_000 });
    await db?.close();
  };
}

function chargebeeWebhookCredentials(): { username: string; password: string } | undefined {
  const { webhookUsername: username, webhookPassword: password } = config.chargebee;
  return username && password ? { username, password } : undefined;
}

try {
  const stop = await main();
  // The Hive runtime traps SIGTERM/SIGINT to dispose itself, which would leave this process serving; stop it here.
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, "stopping the gateway: finishing requests in flight");
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "error while stopping the gateway");
          process.exit(1);
        },
      );
    });
  }
} catch (error) {
  // Printed directly: a start failure is read by a person, and an async log transport could lose it at exit.
  console.error(`gateway could not start: ${(error as Error).message}`);
  process.exit(1);
}
