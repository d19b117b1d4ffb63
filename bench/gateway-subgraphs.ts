/**
 * Benchmark helper process: subgraphs on loopback behind a secret.
 * - Without BENCH_DATABASE_URL: makes a database (a fresh one on the DATABASE_URL server, else embedded), seeds the
 *   fixture (BENCH_CUSTOMERS) and drops it at the end.
 * - With BENCH_DATABASE_URL: serves from that database, seeded by another helper (one process per subgraph, as
 *   production runs them).
 * BENCH_SUBGRAPHS: which subgraphs to serve, comma-separated (default all three).
 * Prints one JSON line {"sources":[{name,url,sdl}],"databaseUrl"?} when ready; stops on SIGTERM, or when the benchmark
 * process that started it is gone.
 */
import "reflect-metadata";
import { silentLogger } from "../src/logging/logger.js";
import { openDatabase } from "../src/db/database.js";
import { loadConfig } from "../src/config/config.js";
import { createTestDatabase } from "../test/helpers/database.js";
import { seedFixture } from "../test/e2e/support/fixture.js";
import { buildSubgraph, SUBGRAPH_NAMES, type SubgraphDeps, type SubgraphName } from "../subgraphs/index.js";
import { startSubgraphServer } from "../subgraphs/server.js";

const secret = process.env.BENCH_SUBGRAPH_SECRET!;
const customers = Number(process.env.BENCH_CUSTOMERS ?? 100);
const names = (process.env.BENCH_SUBGRAPHS?.split(",") ?? SUBGRAPH_NAMES) as SubgraphName[];
const sharedUrl = process.env.BENCH_DATABASE_URL;
// The pool of a subgraph process as production opens it (the DATABASE_POOL_MAX default).
const poolMax = loadConfig({}).database.poolMax;
const db = sharedUrl
  ? { ...(await openDatabase({ url: sharedUrl, dataDir: ".data-test", poolMax })), url: sharedUrl, dispose: () => Promise.resolve() }
  : await createTestDatabase({ poolMax });
if (!sharedUrl) await seedFixture(db.knex, { customers });
const deps: SubgraphDeps = { knex: db.knex, logger: silentLogger, commands: null };
const definitions = await Promise.all(names.map((name) => buildSubgraph(name)));
const servers = await Promise.all(definitions.map((d) => startSubgraphServer(d, { port: 0, secret, deps, logger: silentLogger })));
const sources = definitions.map((d, i) => ({ name: d.name, url: servers[i]!.url, sdl: d.sdl }));
process.stdout.write(`${JSON.stringify({ sources, databaseUrl: db.url })}\n`);
let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(servers.map((s) => s.close()));
  if (sharedUrl) await db.close();
  else await db.dispose();
  process.exit(0);
}
// SIGTERM from the benchmark; disconnect when the benchmark itself died (its IPC channel closes): drop the database.
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
process.once("disconnect", stop);
// The benchmark asks for this process's CPU time to report CPU per request.
process.on("message", (message) => {
  if (message === "cpu") process.send?.(process.cpuUsage());
});
