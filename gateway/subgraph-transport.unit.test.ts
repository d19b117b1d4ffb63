import { test } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { SubgraphRequestSignal } from "./subgraph-transport.js";

test("a subgraph request's signal leaves no listener on the gateway's long-lived signals once the request ends", () => {
  const lifetime = new AbortController();
  const client = new AbortController();
  const requests = Array.from({ length: 50 }, () => new SubgraphRequestSignal([lifetime.signal, client.signal], 30_000));
  assert.equal(getEventListeners(lifetime.signal, "abort").length, 50);
  for (const request of requests) request.dispose();
  assert.equal(getEventListeners(lifetime.signal, "abort").length, 0);
  assert.equal(getEventListeners(client.signal, "abort").length, 0);
});

test("the request's signal aborts with the gateway's shutdown, the client's cancel, or the deadline (and says which)", async () => {
  const lifetime = new AbortController();
  const byShutdown = new SubgraphRequestSignal([lifetime.signal], 0);
  lifetime.abort();
  assert.equal(byShutdown.signal.aborted, true);
  assert.equal(byShutdown.timedOut, false);

  const client = new AbortController();
  client.abort();
  const alreadyCancelled = new SubgraphRequestSignal([new AbortController().signal, client.signal], 0);
  assert.equal(alreadyCancelled.signal.aborted, true);

  const byDeadline = new SubgraphRequestSignal([new AbortController().signal], 20);
  await new Promise((resolve) => byDeadline.signal.addEventListener("abort", resolve, { once: true }));
  assert.equal(byDeadline.timedOut, true);
  byDeadline.dispose();

  const finished = new SubgraphRequestSignal([new AbortController().signal], 20);
  finished.dispose();
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(finished.signal.aborted, false, "a cleared deadline never fires");
});
