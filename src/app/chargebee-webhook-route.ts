import type { Knex } from "knex";
import type { ChargebeeConfig } from "../config/config.js";
import { createChargebeeWebhookHandler } from "../connectors/chargebee/index.js";
import type { Logger } from "../logging/logger.js";
import { createWebhookSyncWaker } from "../sync/webhook-waker.js";
import type { ExtraRoute } from "../../gateway/index.js";

export const CHARGEBEE_WEBHOOK_PATH = "/webhooks/chargebee";

export interface ChargebeeWebhookRoute {
  route: ExtraRoute;
  /** Stops waking syncs (after a check in progress), before the job queue it sends to is stopped. */
  stop(): Promise<void>;
}

/**
 * The gateway route that receives Chargebee webhooks: the receiver stores each event's records in the datasets, and
 * a waker queues an incremental sync for the ones the sync has work for (once for a burst; never for our echoes).
 * Both `npm start` and the standalone gateway (`npm run gateway`) mount it, so Chargebee changes arrive by webhook
 * in either layout.
 */
export function createChargebeeWebhookRoute(options: {
  knex: Knex;
  /** The app's Chargebee configuration (CHARGEBEE_*). */
  chargebee: ChargebeeConfig;
  credentials: { username: string; password: string };
  requestSync: () => Promise<unknown>;
  logger: Logger;
}): ChargebeeWebhookRoute {
  const logger = options.logger.child({ component: "chargebee-webhook" });
  const waker = createWebhookSyncWaker({ knex: options.knex, logger, requestSync: options.requestSync });
  const nodeHandler = createChargebeeWebhookHandler({
    knex: options.knex,
    ...options.credentials,
    maxBodyBytes: options.chargebee.webhookMaxBodyBytes,
    logger,
    onChanges: waker.onChanges,
  });
  return { route: { path: CHARGEBEE_WEBHOOK_PATH, method: "POST", nodeHandler }, stop: () => waker.stop() };
}
