import type { Knex } from "knex";
import type { SubgraphSource } from "./compose.js";

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

const CHECK_TIMEOUT_MS = 2_000;

async function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function checkDatabase(knex: Knex): Promise<ReadinessCheck> {
  try {
    await withTimeout(knex.raw("select 1"), "the database");
    return { name: "database", ok: true };
  } catch (error) {
    return { name: "database", ok: false, detail: (error as Error).message };
  }
}

/** A subgraph is reachable when it answers `{ __typename }` to a request carrying the gateway's secret. */
export async function checkSubgraph(subgraph: SubgraphSource, secret: string): Promise<ReadinessCheck> {
  const name = `subgraph:${subgraph.name}`;
  try {
    const response = await fetch(subgraph.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-subgraph-secret": secret, "x-caller-name": "gateway-readiness", "x-caller-role": "reader" },
      body: JSON.stringify({ query: "{ __typename }" }),
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => null)) as { data?: { __typename?: string } } | null;
    if (response.ok && body?.data?.__typename) return { name, ok: true };
    if (response.status === 403) {
      return {
        name,
        ok: false,
        detail: `${subgraph.url} refused the gateway's secret (HTTP 403): set the same SUBGRAPH_SECRET for the gateway and this subgraph`,
      };
    }
    return { name, ok: false, detail: `${subgraph.url} answered HTTP ${response.status}` };
  } catch (error) {
    return { name, ok: false, detail: `${subgraph.url}: ${(error as Error).message}` };
  }
}

export async function readinessResponse(checks: Array<Promise<ReadinessCheck>>): Promise<Response> {
  const results = await Promise.all(checks);
  const ready = results.every((c) => c.ok);
  return Response.json(
    { status: ready ? "ready" : "not ready", checks: results },
    { status: ready ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
