/**
 * The whole federation in one process for e2e tests and the benchmark: a test database, the three subgraphs of
 * subgraphs/ on port 0 behind a shared secret, and our gateway in front of them. Counts every SQL statement.
 */
import "reflect-metadata";
import { loadConfig } from "../../../src/config/config.js";
import { silentLogger, type Logger } from "../../../src/logging/logger.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.js";
import { buildSubgraphs, type SubgraphDeps } from "../../../subgraphs/index.js";
import { startSubgraphServer, type RunningSubgraph } from "../../../subgraphs/server.js";
import { startGateway, type RunningGateway } from "../../../gateway/index.js";

export const E2E_SECRET = "e2e-subgraph-secret-0123456789abcdef";
export const READER_KEY = "e2e-reader-key-0123456789abcdef";
export const INTEGRATOR_KEY = "e2e-integrator-key-0123456789abcdef";

export interface Federation {
  db: TestDatabase;
  subgraphs: RunningSubgraph[];
  /** name, url, sdl of each subgraph (for other gateways over the same subgraphs). */
  sources: Array<{ name: string; url: string; sdl: string }>;
  gateway: RunningGateway;
  /** Every SQL statement run on the database since the start (knex's query event). */
  sql: { count: number };
  /** POSTs a query to the gateway with a reader key (or the headers given). */
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export interface FederationOptions {
  db?: TestDatabase;
  commands?: SubgraphDeps["commands"];
  logger?: Logger;
  env?: Record<string, string>;
}

export async function startFederation(options: FederationOptions = {}): Promise<Federation> {
  const db = options.db ?? (await createTestDatabase());
  const logger = options.logger ?? silentLogger;
  const sql = { count: 0 };
  db.knex.on("query", () => {
    sql.count += 1;
  });
  const deps: SubgraphDeps = { knex: db.knex, logger, commands: options.commands ?? null };
  const definitions = await buildSubgraphs(deps);
  const subgraphs = await Promise.all(
    definitions.map((definition) => startSubgraphServer(definition, { port: 0, secret: E2E_SECRET, deps, logger })),
  );
  const sources = definitions.map((d, i) => ({ name: d.name, url: subgraphs[i]!.url, sdl: d.sdl }));
  const config = loadConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    API_KEYS: `analyst:reader:${READER_KEY},erp:integrator:${INTEGRATOR_KEY}`,
    ...options.env,
  });
  const gateway = await startGateway({ config, subgraphs: sources, knex: db.knex, logger, subgraphSecret: E2E_SECRET });
  return {
    db,
    subgraphs,
    sources,
    gateway,
    sql,
    async query(query, variables, headers = { "x-api-key": READER_KEY }) {
      const response = await fetch(gateway.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: await response.json() };
    },
    async close() {
      await gateway.close();
      await Promise.all(subgraphs.map((s) => s.close()));
      if (!options.db) await db.dispose();
    },
  };
}
