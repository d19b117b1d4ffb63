import type { Knex } from "knex";
import type { ChargebeeConfig } from "../config/config.js";
import { createChargebeeClient, createChargebeeWebhookHandler, type ChargebeeClient } from "../connectors/chargebee/index.js";
import type { Logger } from "../logging/logger.js";
import { createWebhookSyncWaker } from "../sync/index.js";
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
   * The client to confirm deliveries with. Give the process's own client where it has one (npm start's worker), so
   * both stay within one rate budget; default: a client of its own built from `chargebee`, as the sync builds its.
   */
  chargebeeClient?: ChargebeeClient;
  credentials: { username: string; password: string };
  requestSync: () => Promise<unknown>;
  logger: Logger;
}): ChargebeeWebhookRoute {
  const logger = options.logger.child({ component: "chargebee-webhook" });
  const waker = createWebhookSyncWaker({ knex: options.knex, logger, requestSync: options.requestSync });
  const nodeHandler = createChargebeeWebhookHandler({
    knex: options.knex,
    chargebee: options.chargebeeClient ?? createChargebeeClient(options.chargebee, { logger: options.logger.child({ api: "chargebee" }) }),
    ...options.credentials,
    maxBodyBytes: options.chargebee.webhookMaxBodyBytes,
    logger,
    onChanges: waker.onChanges,
  });
  return { route: { path: CHARGEBEE_WEBHOOK_PATH, method: "POST", nodeHandler }, stop: () => waker.stop() };
}
