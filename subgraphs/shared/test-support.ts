import type { Knex } from "knex";
import { upsertRecords } from "../../src/datasets/upsert-records.js";
import type { SourceRecordInput } from "../../src/datasets/types.js";
import { silentLogger } from "../../src/logging/logger.js";
import { createTestDatabase, type TestDatabase } from "../../test/helpers/database.js";
import { buildSubgraph, type SubgraphName } from "../index.js";
import { startSubgraphServer, type RunningSubgraph } from "../server.js";
import type { SubgraphDeps } from "./context.js";

/** Test-only: a subgraph on port 0 over its own test database, answering with extensions.sqlQueries. */
export interface SubgraphUnderTest {
  db: TestDatabase;
  server: RunningSubgraph;
  deps: SubgraphDeps;
  /** Every statement the knex instance ran (from knex's own query event), to cross-check the per-request count. */
  knexQueries: { count: number };
  query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string } & Record<string, unknown> }>;
  extensions?: { sqlQueries?: number };
}

export async function startSubgraphUnderTest(
  name: SubgraphName,
  options: { secret?: string; deps?: Partial<SubgraphDeps>; db?: TestDatabase } = {},
): Promise<SubgraphUnderTest> {
  const db = options.db ?? (await createTestDatabase());
  const knexQueries = { count: 0 };
  db.knex.on("query", () => {
    knexQueries.count += 1;
  });
  const deps: SubgraphDeps = { knex: db.knex, logger: silentLogger, commands: null, ...options.deps };
  const server = await startSubgraphServer(await buildSubgraph(name), {
    port: 0,
    secret: options.secret,
    deps,
    exposeSqlCount: true,
  });
  return {
    db,
    server,
    deps,
    knexQueries,
    async query<T>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
      const response = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(options.secret ? { "x-subgraph-secret": options.secret } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse<T>, "status">;
      return { status: response.status, ...body };
    },
    async close() {
      await server.close();
      if (!options.db) await db.dispose();
    },
  };
}

export async function insertRecords(knex: Knex, records: SourceRecordInput[]): Promise<void> {
  await upsertRecords(knex, records);
}
