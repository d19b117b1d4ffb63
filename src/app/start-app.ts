import { randomBytes } from "node:crypto";
import { withChargebeeWebhooks, type AppConfig } from "../config/config.js";
import type { Logger } from "../logging/logger.js";
import { openDatabase } from "../db/database.js";
import { migrateLatest } from "../db/migrate.js";
import { startConfiguredPowerOfficeSandbox } from "../connectors/poweroffice/sandbox/index.js";
import { startChargebeeSandbox } from "../connectors/chargebee/sandbox/index.js";
import { sandboxStateDirectory } from "../connectors/sandbox-state/index.js";
import { jobQueueSettings, startJobQueue } from "../jobs/queue.js";
import { createSyncClients, describeApis, requestSyncRun, startSyncWorker, type SyncWorker } from "../sync/index.js";
import { buildSubgraphs, type SubgraphDeps } from "../../subgraphs/index.js";
import { startSubgraphServer } from "../../subgraphs/server.js";
import { startGateway, subgraphSecretFor, type ExtraRoute } from "../../gateway/index.js";
import { printStartBanner } from "./start-banner.js";
import { CHARGEBEE_WEBHOOK_PATH, createChargebeeWebhookRoute } from "./chargebee-webhook-route.js";

export interface RunningApp {
  stop(): Promise<void>;
}

/**
 * Starts every part in one process, in the order they depend on each other: the database (migrated first), the
 * sandboxes (when no real API is configured), the job queue and a sync worker, the three subgraphs, the gateway,
 * and a first sync. Stops them in reverse order.
 */
export async function startApp(config: AppConfig, logger: Logger): Promise<RunningApp> {
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const stopPart of stops.reverse()) await stopPart().catch((error: unknown) => logger.error({ err: error }, "error while stopping"));
  };
  try {
    const db = await openDatabase(config.database);
    stops.push(() => db.close());
    const { applied } = await migrateLatest(db.knex);
    logger.info({ migrationsApplied: applied.length }, `database ready: ${db.location}`);

    const webhookAuth = webhookCredentials(config);
    const sandboxes: string[] = [];
    // Beside the embedded database, so a restart finds the records the synced data refers to.
    const stateDirectory = sandboxStateDirectory(config.database.dataDir);
    const powerofficeSandbox = await startConfiguredPowerOfficeSandbox(config, logger.child({ component: "poweroffice-sandbox" }), {
      stateDirectory,
    });
    if (powerofficeSandbox) {
      stops.push(() => powerofficeSandbox.close());
      sandboxes.push(`PowerOffice Go sandbox  ${powerofficeSandbox.apiBaseUrl}  (admin ${powerofficeSandbox.adminUrl})`);
    }
    const apis = describeApis(config);
    logger.info(`PowerOffice: ${apis.poweroffice}; Chargebee: ${apis.chargebee}`);

    const queue = await startJobQueue({ db, logger: logger.child({ component: "queue" }), ...jobQueueSettings(config) });
    stops.push(() => queue.stop({ timeoutMs: 10_000 }));
    const clients = createSyncClients(config, { logger });
    // Stopped after the worker: whatever the clients still hold of the vendors' budgets goes back at once.
    stops.push(() => Promise.all([clients.chargebee.close(), clients.poweroffice.close()]));
    const worker: SyncWorker = await startSyncWorker({
      db,
      queue,
      // The receiver below brings Chargebee's changes, so the worker's polls leave them to it (and catch up now and then).
      config: webhookAuth ? withChargebeeWebhooks(config) : config,
      logger: logger.child({ component: "worker" }),
      clients,
    });
    stops.push(() => worker.stop());
    const commandDeps = { knex: db.knex, queue, logger: logger.child({ component: "sync" }) };

    const secret = subgraphSecretFor(config);
    const deps: SubgraphDeps = {
      knex: db.knex,
      logger: logger.child({ component: "subgraph" }),
      commands: commandDeps,
      conflictPolicy: config.sync.conflictPolicy,
    };
    const subgraphs = [];
    for (const definition of await buildSubgraphs(deps)) {
      const server = await startSubgraphServer(definition, { host: config.subgraphs.host, port: 0, secret, deps });
      stops.push(() => server.close());
      subgraphs.push({ name: definition.name, url: server.url, sdl: definition.sdl });
    }

    const extraRoutes: ExtraRoute[] = [];
    if (webhookAuth) {
      const webhooks = createChargebeeWebhookRoute({
        knex: db.knex,
        chargebee: config.chargebee,
        // The worker's client: one holder of the site's budget per process.
        chargebeeClient: clients.chargebee,
        credentials: webhookAuth,
        requestSync: () => worker.pollNow(),
        logger,
      });
      stops.push(() => webhooks.stop());
      extraRoutes.push(webhooks.route);
    }
    const gateway = await startGateway({
      config,
      subgraphs,
      knex: db.knex,
      logger: logger.child({ component: "gateway" }),
      extraRoutes,
      subgraphSecret: secret,
    });
    stops.push(() => gateway.close());

    // Started after the gateway, so its webhooks find the receiver listening from the first event on.
    if (config.chargebee.mode === "sandbox") {
      const sandbox = await startChargebeeSandbox({
        port: config.chargebee.sandboxPort,
        seed: config.demo.seed,
        size: config.demo.size,
        webhook: webhookAuth
          ? { url: `http://${reachableHost(config.http.host)}:${config.http.port}${CHARGEBEE_WEBHOOK_PATH}`, ...webhookAuth }
          : undefined,
        logger: logger.child({ component: "chargebee-sandbox" }),
        stateDirectory,
      });
      stops.push(() => sandbox.close());
      sandboxes.push(`Chargebee sandbox       ${sandbox.url}  (admin ${sandbox.adminUrl})`);
    }
    if (sandboxes.length > 0) sandboxes.push(`Sandbox data            ${stateDirectory}  (kept across restarts; npm run db:reset resets it)`);

    const firstRun = await requestSyncRun(commandDeps, { mode: "incremental", requestedBy: "startup" });
    printStartBanner({
      config,
      databaseLocation: db.location,
      gatewayUrl: gateway.url,
      ideUrl: gateway.ideUrl,
      sandboxes,
      firstRunId: firstRun.id,
      webhookUrl: webhookAuth ? `${gateway.url}${CHARGEBEE_WEBHOOK_PATH}` : undefined,
    });
    return { stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The webhook receiver's Basic auth: configured, or (sandbox only) a random pair shared with the sandbox. */
function webhookCredentials(config: AppConfig): { username: string; password: string } | undefined {
  if (config.chargebee.webhookUsername && config.chargebee.webhookPassword) {
    return { username: config.chargebee.webhookUsername, password: config.chargebee.webhookPassword };
  }
  if (config.chargebee.mode === "sandbox") return { username: "chargebee-sandbox", password: randomBytes(18).toString("hex") };
  return undefined;
}

/** An address this machine can reach the gateway on, when it listens on every interface. */
function reachableHost(host: string): string {
  return host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
}
