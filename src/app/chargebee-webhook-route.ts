import type { Knex } from "knex";
import type { ChargebeeConfig } from "../config/config.js";
import { createChargebeeWebhookHandler, type ChargebeeClient } from "../connectors/chargebee/index.js";
import type { Logger } from "../logging/logger.js";
import { budgetStoreForKnex, createConfiguredChargebeeClient, createWebhookSyncWaker, CREATION_FLOWS } from "../sync/index.js";
import type { ExtraRoute } from "../../gateway/index.js";

export const CHARGEBEE_WEBHOOK_PATH = "/webhooks/chargebee";

export interface ChargebeeWebhookRoute {
  route: ExtraRoute;
  /** Stops waking syncs (after a check in progress), before the job queue it sends to is stopped. */
  stop(): Promise<void>;
}

/**
 * The gateway route that receives Chargebee webhooks: the receiver confirms each delivery with Chargebee's API and
 * stores the API's copy of the event's records in the datasets, and a waker queues an incremental sync for the ones
 * the sync has work for (once for a burst; never for our echoes). Both `npm start` and the standalone gateway
 * (`npm run gateway`) mount it, so Chargebee changes arrive by webhook in either layout.
 */
export function createChargebeeWebhookRoute(options: {
  knex: Knex;
  /** The app's Chargebee configuration (CHARGEBEE_*): the API the deliveries are confirmed with, the body limit. */
  chargebee: ChargebeeConfig;
  /**
   * The client to confirm deliveries with: the process's own where it has one (npm start's worker). Default: one
   * built from `chargebee`, whose budget is the site's, shared through `knex`'s database with the workers (in this
   * process on the embedded database).
   */
  chargebeeClient?: ChargebeeClient;
  credentials: { username: string; password: string };
  requestSync: () => Promise<unknown>;
  logger: Logger;
}): ChargebeeWebhookRoute {
  const logger = options.logger.child({ component: "chargebee-webhook" });
  const waker = createWebhookSyncWaker({
    knex: options.knex,
    logger,
    requestSync: options.requestSync,
    creationTypes: Object.values(CREATION_FLOWS).map((flow) => flow.source.entity),
  });
  const nodeHandler = createChargebeeWebhookHandler({
    knex: options.knex,
    chargebee:
      options.chargebeeClient ??
      createConfiguredChargebeeClient(options.chargebee, { logger: options.logger, budgetStore: budgetStoreForKnex(options.knex) }),
    ...options.credentials,
    maxBodyBytes: options.chargebee.webhookMaxBodyBytes,
    logger,
    onChanges: waker.onChanges,
  });
  return { route: { path: CHARGEBEE_WEBHOOK_PATH, method: "POST", nodeHandler }, stop: () => waker.stop() };
}
