import type { Knex } from "knex";
import type { Logger } from "../../src/logging/logger.js";

/**
 * What the link subgraph needs to start sync work. It mirrors `SyncCommandDeps` of src/sync/commands.ts (owner H4):
 * the queue is only passed through to the commands.
 */
export interface SyncCommandDeps {
  knex: Knex;
  queue: unknown;
  logger: Logger;
}
