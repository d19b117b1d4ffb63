import { serveOneSubgraph } from "../shared/serve-one.js";

// The sync mutations answer UNAVAILABLE until the job queue is wired here (src/jobs/queue.ts, owner H4).
await serveOneSubgraph("link");
