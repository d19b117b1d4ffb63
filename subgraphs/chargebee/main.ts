import { serveOneSubgraph } from "../shared/serve-one.js";

await serveOneSubgraph("chargebee");
