import type { Logger } from "../src/logging/logger.js";
import type { SubgraphSource } from "./compose.js";

export interface SdlFetchOptions {
  secret: string;
  logger: Logger;
  /** Give up after this long (subgraphs starting in parallel need a few seconds). */
  timeoutMs?: number;
  /** First pause between attempts; doubles up to 5 s. */
  initialDelayMs?: number;
}

async function fetchSdlOnce(url: string, secret: string): Promise<string> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-subgraph-secret": secret, "x-caller-name": "gateway", "x-caller-role": "reader" },
    body: JSON.stringify({ query: "{ _service { sdl } }" }),
    signal: AbortSignal.timeout(5_000),
  });
  if (response.status === 403) {
    throw new Error("refused the gateway (HTTP 403): SUBGRAPH_SECRET differs between the gateway and this subgraph");
  }
  const body = (await response.json().catch(() => null)) as { data?: { _service?: { sdl?: string } }; errors?: Array<{ message: string }> } | null;
  const sdl = body?.data?._service?.sdl;
  if (response.ok && sdl) return sdl;
  const why = body?.errors?.map((e) => e.message).join("; ") ?? "no SDL in the answer";
  throw new Error(`answered HTTP ${response.status}: ${why}`);
}

/**
 * Asks one subgraph for its SDL (`_service { sdl }`), retrying while it starts, and says in the log what it waits for.
 * A wrong secret is not retried: waiting would not fix it.
 */
export async function fetchSubgraphSdl(name: string, url: string, options: SdlFetchOptions): Promise<SubgraphSource> {
  const { secret, logger, timeoutMs = 60_000 } = options;
  const deadline = Date.now() + timeoutMs;
  let delay = options.initialDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      const sdl = await fetchSdlOnce(url, secret);
      if (attempt > 1) logger.info({ subgraph: name, url }, `subgraph ${name} is up`);
      return { name, url, sdl };
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
      const reason = cause === "ECONNREFUSED" ? "not listening yet" : (error as Error).message;
      if ((error as Error).message.startsWith("refused the gateway")) {
        throw new Error(`Subgraph ${name} at ${url} ${reason}. Set the same SUBGRAPH_SECRET for every process.`, { cause: error });
      }
      if (Date.now() + delay > deadline) {
        throw new Error(
          `Subgraph ${name} at ${url} did not give its schema within ${Math.round(timeoutMs / 1000)} s (${reason}). ` +
            `Start it (npm run subgraph:${name}) or fix ${name.toUpperCase()}_SUBGRAPH_URL, then start the gateway again.`,
          { cause: error },
        );
      }
      logger.info({ subgraph: name, url, attempt }, `waiting for subgraph ${name} at ${url}: ${reason}`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }
}

export function fetchAllSubgraphSdl(subgraphs: ReadonlyArray<{ name: string; url: string }>, options: SdlFetchOptions): Promise<SubgraphSource[]> {
  return Promise.all(subgraphs.map((s) => fetchSubgraphSdl(s.name, s.url, options)));
}
