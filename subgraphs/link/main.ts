import { jobQueueSettings, startJobQueue } from "../../src/jobs/queue.js";
import { serveOneSubgraph } from "../shared/serve-one.js";

// The link subgraph queues sync runs (runSync, syncRecord): it sends jobs; the worker processes (npm run worker) run them.
await serveOneSubgraph("link", async ({ config, logger, db }) => {
  const queue = await startJobQueue({ db, logger: logger.child({ component: "queue" }), schedule: false, ...jobQueueSettings(config) });
  return {
    commands: { knex: db.knex, queue, logger: logger.child({ component: "sync" }) },
    stop: () => queue.stop({ timeoutMs: 10_000 }),
  };
});
