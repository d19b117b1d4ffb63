/**
 * Benchmark helper process: a database with the fixture, the three subgraphs on loopback behind a secret.
 * Prints one JSON line {"sources":[{name,url,sdl}]} when ready; stops on SIGTERM.
 */
import "reflect-metadata";
import { silentLogger } from "../src/logging/logger.js";
import { createTestDatabase } from "../test/helpers/database.js";
import { seedFixture } from "../test/e2e/support/fixture.js";
import { buildSubgraphs, type SubgraphDeps } from "../subgraphs/index.js";
import { startSubgraphServer } from "../subgraphs/server.js";

const secret = process.env.BENCH_SUBGRAPH_SECRET!;
const customers = Number(process.env.BENCH_CUSTOMERS ?? 100);
const db = await createTestDatabase();
await seedFixture(db.knex, { customers });
const deps: SubgraphDeps = { knex: db.knex, logger: silentLogger, commands: null };
const definitions = await buildSubgraphs(deps);
const servers = await Promise.all(definitions.map((d) => startSubgraphServer(d, { port: 0, secret, deps, logger: silentLogger })));
process.stdout.write(`${JSON.stringify({ sources: definitions.map((d, i) => ({ name: d.name, url: servers[i]!.url, sdl: d.sdl })) })}\n`);
process.once("SIGTERM", async () => {
  await Promise.all(servers.map((s) => s.close()));
  await db.dispose();
  process.exit(0);
});
// The benchmark asks for this process's CPU time to report CPU per request.
process.on("message", (message) => {
  if (message === "cpu") process.send?.(process.cpuUsage());
});
