/** The Chargebee sandbox in a process of its own for bench/chargebee.ts: prints one JSON line, then serves. */
import { startChargebeeSandbox } from "../src/connectors/chargebee/sandbox/index.js";

const size = Number(process.argv[2] ?? 100_000);
const sandbox = await startChargebeeSandbox({ size, seed: 42, requestsPerMinute: 0, requestLogSize: 100_000 });
process.stdout.write(
  `${JSON.stringify({ port: sandbox.port, clientConfig: sandbox.clientConfig, adminUrl: sandbox.adminUrl, apiKey: sandbox.apiKey, seeded: sandbox.seeded })}\n`,
);
const stop = async () => {
  await sandbox.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
