import type { Knex } from "knex";
import pg from "pg";
import { readBudgetState, type BudgetState } from "./budget-state.js";
import type { BudgetStateChange, BudgetStateStore } from "./state-store.js";

/** Runs one statement with `?` placeholders and answers its rows. */
export interface SqlRunner {
  query(sql: string, bindings: readonly unknown[]): Promise<Array<Record<string, unknown>>>;
}

export function sqlRunnerFromKnex(knex: Knex): SqlRunner {
  return {
    async query(sql, bindings) {
      const result = (await knex.raw(sql, bindings as Knex.RawBinding[])) as { rows: Array<Record<string, unknown>> };
      return result.rows;
    },
  };
}

export function sqlRunnerFromPool(pool: pg.Pool): SqlRunner {
  return {
    async query(sql, bindings) {
      let index = 0;
      const text = sql.replace(/\?/g, () => `$${++index}`);
      return (await pool.query(text, bindings as unknown[])).rows as Array<Record<string, unknown>>;
    },
  };
}

/** The database's clock, in epoch milliseconds. */
const NOW_MS = "cast(extract(epoch from clock_timestamp()) * 1000 as double precision)";

const READ = `
  select budget.version, budget.state, ${NOW_MS} as now_ms
  from (select 1) as one left join vendor_rate_budgets as budget on budget.account_key = ?`;

/**
 * Writes the new state only if the row is still at the version the change was decided on (or inserts the first
 * one); either way it answers the row as it was, so a lost race costs one more statement, not two.
 */
const COMPARE_AND_SET = `
  with current as (
    select version, state from vendor_rate_budgets where account_key = ?
  ), applied as (
    insert into vendor_rate_budgets as budget (account_key, version, state, updated_at)
    values (?, 1, cast(? as jsonb), clock_timestamp())
    on conflict (account_key) do update
      set version = budget.version + 1, state = excluded.state, updated_at = excluded.updated_at
      where budget.version = ?
    returning budget.version
  )
  select (select version from applied) as applied_version,
         (select version from current) as current_version,
         (select state from current) as current_state,
         ${NOW_MS} as now_ms`;

/** Lost races in a row before an update gives up (each one means another process's update went through). */
const MAX_ATTEMPTS = 50;

interface KnownRow {
  version: number;
  state: BudgetState | undefined;
  /** The database's clock when the row was answered, and this process's monotonic clock when the answer came. */
  storeNow: number;
  localAt: number;
}

/**
 * The budgets' states in PostgreSQL (table vendor_rate_budgets, one row per account), shared by every process on the
 * database. An update is optimistic: the change is decided on the row this process saw last, with the database's
 * clock estimated from that answer (the estimate trails the real clock by the answer's travel time, so bookings can
 * only come out a little late, never early), and written with a compare-and-set on the row's version. A process that
 * was alone since its last update therefore needs one round trip; a lost race is answered with the current row and
 * decided again on it. No lock is held between statements, and none at all beyond the single statement.
 */
export class PostgresBudgetStateStore implements BudgetStateStore {
  private readonly known = new Map<string, KnownRow>();

  constructor(
    private readonly sql: SqlRunner,
    private readonly monotonicNow: () => number = () => performance.now(),
  ) {}

  async update<T>(key: string, change: BudgetStateChange<T>): Promise<{ result: T; now: number }> {
    let known = this.known.get(key) ?? (await this.read(key));
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const now = known.storeNow + (this.monotonicNow() - known.localAt);
      const { state, result } = change(known.state, now);
      const [row] = await this.sql.query(COMPARE_AND_SET, [key, key, JSON.stringify(state), known.version]);
      const localAt = this.monotonicNow();
      const storeNow = Number(row!.now_ms);
      if (row!.applied_version !== null && row!.applied_version !== undefined) {
        this.known.set(key, { version: Number(row!.applied_version), state, storeNow, localAt });
        return { result, now: storeNow };
      }
      known = { version: Number(row!.current_version ?? 0), state: readBudgetState(parseJson(row!.current_state)), storeNow, localAt };
    }
    this.known.delete(key);
    throw new Error(`The request budget ${key} changed under ${MAX_ATTEMPTS} updates in a row`);
  }

  private async read(key: string): Promise<KnownRow> {
    const [row] = await this.sql.query(READ, [key]);
    return {
      version: Number(row!.version ?? 0),
      state: readBudgetState(parseJson(row!.state)),
      storeNow: Number(row!.now_ms),
      localAt: this.monotonicNow(),
    };
  }
}

/** jsonb comes back parsed from pg, and may come back as text from other drivers. */
function parseJson(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : value;
}

/**
 * A store on a connection pool of its own (two connections): the budget never waits behind the application's
 * queries, and a transaction that waits for an API call can never starve it of a connection. The pool lets the
 * process exit while idle, so a command-line run ends without closing it.
 */
export function createPostgresBudgetStateStore(
  databaseUrl: string,
  options: { onError?: (error: Error) => void } = {},
): {
  store: PostgresBudgetStateStore;
  close(): Promise<void>;
} {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    application_name: "poweroffice-chargebee-gateway rate budget",
    max: 2,
    idleTimeoutMillis: 10_000,
    allowExitOnIdle: true,
    statement_timeout: 10_000,
  });
  pool.on("error", (error) => options.onError?.(error));
  return { store: new PostgresBudgetStateStore(sqlRunnerFromPool(pool)), close: () => pool.end() };
}
