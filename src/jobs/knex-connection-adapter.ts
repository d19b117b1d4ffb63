import type { Knex } from "knex";
import type { Db as PgBossDatabase } from "pg-boss";

/** The parts of a PGlite instance this adapter calls (knex-pglite hands out the instance itself as its connection). */
interface PgliteConnection {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  exec(text: string): Promise<Array<{ rows?: unknown[] }>>;
}

interface KnexClientWithPool {
  acquireConnection(): Promise<PgliteConnection>;
  releaseConnection(connection: PgliteConnection): Promise<unknown>;
}

/**
 * pg-boss's database adapter for the embedded database. PGlite is one session, and knex-pglite holds it as a pool
 * of exactly one connection. Every pg-boss statement first takes that connection from knex's pool, so it can never
 * run inside a knex transaction that happens to be open (and be rolled back with it): it waits until the
 * transaction ends, like any other knex query would.
 *
 * pg-boss sends its multi-statement blocks (BEGIN … COMMIT) as one text without parameters; those go through
 * exec() while the connection is held, so nothing of knex's can interleave with them either.
 */
export function knexConnectionAdapter(knex: Knex): PgBossDatabase {
  const client = knex.client as unknown as KnexClientWithPool;
  return {
    async executeSql(text: string, values?: unknown[]) {
      const connection = await client.acquireConnection();
      try {
        if (values && values.length > 0) return (await connection.query(text, values)) as { rows: unknown[] };
        const results = await connection.exec(text);
        return { rows: results.flatMap((result) => result.rows ?? []) };
      } catch (error) {
        // A failed statement inside pg-boss's BEGIN … COMMIT leaves the session in an aborted transaction, which
        // would poison knex's next query on the same session: end it before handing the connection back.
        if (/\bBEGIN\b/i.test(text)) await connection.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        await client.releaseConnection(connection);
      }
    },
  };
}
