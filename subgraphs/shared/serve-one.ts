import "reflect-metadata";
import type { AppConfig } from "../../src/config/config.js";
import { loadConfigOrExit } from "../../src/config/load-config-or-exit.js";
import { openDatabase } from "../../src/db/database.js";
import { pendingMigrations } from "../../src/db/migrate.js";
import { createLogger, type Logger } from "../../src/logging/logger.js";
import { buildSubgraph, type SubgraphName } from "../index.js";
import { startSubgraphServer } from "../server.js";
import type { SubgraphDeps } from "./context.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export function portOf(config: AppConfig, name: SubgraphName): number {
  if (name === "poweroffice") return config.subgraphs.powerofficePort;
  if (name === "chargebee") return config.subgraphs.chargebeePort;
  return config.subgraphs.linkPort;
}

/** Extra parts a subgraph process needs beyond the database (the link subgraph's job queue). */
export type ExtraDeps = (args: {
  config: AppConfig;
  logger: Logger;
  deps: SubgraphDeps;
  db: Awaited<ReturnType<typeof openDatabase>>;
}) => Promise<{ commands: SubgraphDeps["commands"]; stop(): Promise<void> }>;

/**
 * Entry point of `npm run subgraph:<name>`: one subgraph in a process of its own, on a real PostgreSQL server
 * (the embedded database belongs to the single process of `npm start`).
 */
export async function serveOneSubgraph(name: SubgraphName, extra?: ExtraDeps): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ ...config.log, name: `subgraph-${name}` });
  const { host, secret } = config.subgraphs;
  if (!config.database.url) {
    logger.fatal(
      "A subgraph in a process of its own needs DATABASE_URL (a PostgreSQL server): the embedded database can only be " +
        "opened by one process. Set DATABASE_URL, or run everything in one process with npm start.",
    );
    process.exit(1);
  }
  if (!secret && !LOOPBACK.has(host)) {
    logger.fatal(`SUBGRAPH_HOST is ${host}, not loopback: set SUBGRAPH_SECRET (the gateway sends it) so only the gateway is answered.`);
    process.exit(1);
  }
  if (!secret) logger.warn("SUBGRAPH_SECRET is not set: any local process can query this subgraph. Set it outside development.");

  const db = await openDatabase(config.database);
  const pending = await pendingMigrations(db.knex);
  if (pending.length > 0) {
    logger.fatal({ pending }, "The database schema is not up to date: run npm run migrate first.");
    await db.close();
    process.exit(1);
  }
  const deps: SubgraphDeps = { knex: db.knex, logger, commands: null, conflictPolicy: config.sync.conflictPolicy };
  const extras = extra ? await extra({ config, logger, deps, db }) : null;
  if (extras) deps.commands = extras.commands;
  const definition = await buildSubgraph(name);
  const server = await startSubgraphServer(definition, { host, port: portOf(config, name), secret, deps, logger });
  logger.info(`subgraph ${name} ready at ${server.url}`);

  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, "stopping");
      (async () => {
        await server.close();
        await extras?.stop();
        await db.close();
      })().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "error while stopping");
          process.exit(1);
        },
      );
    });
  }
}
