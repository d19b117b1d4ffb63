// Budgets sharing one account through the database, as processes do. On a PostgreSQL server each budget has a
// connection pool of its own (as each process does); on the embedded database they share its one connection.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../../../test/helpers/database.js";
import { AccountBudget } from "./account-budget.js";
import { decide, type BudgetLimits } from "./budget-state.js";
import { BudgetPausedError } from "./errors.js";
import { createPostgresBudgetStateStore, PostgresBudgetStateStore, sqlRunnerFromKnex } from "./postgres-state-store.js";

let db: TestDatabase;
const closers: Array<() => Promise<void>> = [];

before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  for (const close of closers) await close();
  await db.dispose();
});

/** A store as a separate process would have it. */
function processStore(): PostgresBudgetStateStore {
  if (!db.url) return new PostgresBudgetStateStore(sqlRunnerFromKnex(db.knex));
  const { store, close } = createPostgresBudgetStateStore(db.url);
  closers.push(close);
  return store;
}

function mostInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last += 1) {
    while (sorted[last]! - sorted[first]! >= windowMs) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`shared request budgets (${process.env.DATABASE_URL ? "PostgreSQL server" : "embedded PostgreSQL"})`, () => {
  test("four clients on one database: never more starts in any window, nor requests in flight, than the limits; all finish", async () => {
    const limits: BudgetLimits = { requestsPerWindow: 20, windowMs: 1_000, minIntervalMs: 0, maxConcurrency: 4 };
    const budgets = Array.from(
      { length: 4 },
      (_, n) => new AccountBudget({ key: "test:window", limits, store: processStore(), holder: `client-${n}` }),
    );
    const starts: number[] = [];
    const byClient = budgets.map(() => 0);
    let inFlight = 0;
    let mostInFlight = 0;
    const began = Date.now();
    await Promise.all(
      budgets.flatMap((budget, client) =>
        Array.from({ length: 25 }, async (_, n) => {
          await sleep(n * 3); // callers arrive over time, not all at once
          const grant = await budget.acquire();
          starts.push(Date.now());
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          await sleep(5 + ((n * 7 + client * 13) % 25));
          inFlight -= 1;
          byClient[client]! += 1;
          grant.release();
        }),
      ),
    );
    const seconds = (Date.now() - began) / 1000;
    const exchanges = budgets.reduce((sum, budget) => sum + budget.exchangeCount, 0);
    // A start can come a little after its booking (timers, the answer's way back), never before: 100 ms of slack.
    const most = mostInAnyWindow(starts, limits.windowMs - 100);
    console.log(
      `# 100 requests by 4 clients in ${seconds.toFixed(1)} s; most in any 900 ms window ${most}; most in flight ${mostInFlight}; ${exchanges} store exchanges; per client ${byClient.join(", ")}`,
    );
    assert.deepEqual(byClient, [25, 25, 25, 25]);
    assert.ok(most <= limits.requestsPerWindow, `${most} starts in one window`);
    assert.ok(mostInFlight <= limits.maxConcurrency, `${mostInFlight} in flight`);
    assert.ok(seconds >= 4, `100 requests at 20 a second take 4 s at least, took ${seconds} s`);
    for (const budget of budgets) await budget.close();
  });

  test("a 429 pause reported by one client holds every other client until it ends", async () => {
    const limits: BudgetLimits = { requestsPerWindow: 150, windowMs: 61_000, minIntervalMs: 0, maxConcurrency: 3 };
    const [reporter, waiting, reporting] = ["reporter", "waiting", "reporting"].map(
      (holder) => new AccountBudget({ key: "test:pause", limits, store: processStore(), holder }),
    ) as [AccountBudget, AccountBudget, AccountBudget];
    (await reporter.acquire()).release();
    reporter.pause(800, { reporterWaits: true });
    await sleep(50); // the pause travels to the database with the reporter's next exchange
    const began = Date.now();
    await assert.rejects(reporting.acquire({ whilePaused: "report" }), (error: unknown) => {
      assert.ok(error instanceof BudgetPausedError);
      assert.ok(error.remainingMs > 500 && error.remainingMs <= 800, `${error.remainingMs} ms left`);
      return true;
    });
    const grant = await waiting.acquire();
    const waited = Date.now() - began;
    console.log(`# a client of another process waited ${waited} ms for a pause of 800 ms reported 50 ms earlier`);
    assert.ok(waited >= 650 && waited < 2_000, `waited ${waited} ms`);
    grant.release();
    for (const budget of [reporter, waiting, reporting]) await budget.close();
  });

  test("the slots of a holder that died lapse after its lease, and another process gets them", async () => {
    const limits: BudgetLimits = { requestsPerWindow: 0, windowMs: 61_000, minIntervalMs: 0, maxConcurrency: 2 };
    const timings = { horizonMs: 1_000, leaseMs: 700, waitLeaseMs: 2_000 };
    // A process takes both slots and dies: it never gives them back nor renews them.
    await processStore().update("test:lease", (state, now) => ({
      state: decide(state, limits, { holder: "dead", release: 0, starts: 2 }, now, timings).state,
      result: undefined,
    }));
    const survivor = new AccountBudget({ key: "test:lease", limits, store: processStore(), holder: "survivor", timings });
    const began = Date.now();
    const grants = await Promise.all([survivor.acquire(), survivor.acquire()]);
    const waited = Date.now() - began;
    console.log(`# the dead holder's 2 slots came back after ${waited} ms (lease 700 ms)`);
    assert.ok(waited >= 500 && waited < 3_000, `waited ${waited} ms`);
    for (const grant of grants) grant.release();
    await survivor.close();
  });
});
