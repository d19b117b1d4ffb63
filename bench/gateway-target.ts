/**
 * Benchmark helper process: one gateway over the subgraphs given in BENCH_SOURCES (JSON), composed into the same
 * supergraph (@theguild/federation-composition). BENCH_TARGET: "hive" (our gateway, gateway/index.ts, with auth,
 * limits and metrics on, Rust query planner as configured by default), "hive-js" (the same with the runtime's
 * JavaScript planner) or "apollo" (@apollo/gateway 2.14 on @apollo/server 5, the baseline).
 * Prints one JSON line {"url": "..."} when ready; stops on SIGTERM, or when the benchmark process is gone.
 */
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { loadConfig } from "../src/config/config.js";
import { silentLogger } from "../src/logging/logger.js";
import { composeSupergraph, startGateway } from "../gateway/index.js";

const sources = JSON.parse(process.env.BENCH_SOURCES!) as Array<{ name: string; url: string; sdl: string }>;
const secret = process.env.BENCH_SUBGRAPH_SECRET!;
const target = process.env.BENCH_TARGET;

async function startHive(): Promise<{ url: string; stop(): Promise<void> }> {
  const config = loadConfig({ HOST: "127.0.0.1", PORT: "0", API_KEYS: process.env.BENCH_API_KEYS!, LOG_LEVEL: "silent" });
  const queryPlanner = target === "hive-js" ? "js" : "rust";
  const gateway = await startGateway({ config, subgraphs: sources, logger: silentLogger, subgraphSecret: secret, queryPlanner });
  return { url: gateway.graphqlUrl, stop: () => gateway.close({ drainMs: 1000 }) };
}

async function startApollo(): Promise<{ url: string; stop(): Promise<void> }> {
  const gateway = new ApolloGateway({
    supergraphSdl: composeSupergraph(sources),
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource({
        url,
        willSendRequest: ({ request }) => {
          request.http?.headers.set("x-subgraph-secret", secret);
        },
      }),
  });
  const server = new ApolloServer({ gateway, introspection: false });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
  return { url, stop: () => server.stop() };
}

const running = target === "apollo" ? await startApollo() : await startHive();
process.stdout.write(`${JSON.stringify({ url: running.url })}\n`);
// The Hive runtime traps SIGTERM to dispose itself; this handler also ends the process.
const stop = () => void running.stop().finally(() => process.exit(0));
process.on("SIGTERM", stop);
// The benchmark process that started this one is gone (its IPC channel closed).
process.once("disconnect", stop);
// The benchmark asks for this process's CPU time to report CPU per request.
process.on("message", (message) => {
  if (message === "cpu") process.send?.(process.cpuUsage());
});
