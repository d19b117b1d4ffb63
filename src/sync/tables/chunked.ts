import type { Knex } from "knex";

/** Rows per insert statement: large enough to be few statements, small enough to stay under the bind-parameter limit. */
const ROWS = 500;

export async function insertChunked(trx: Knex, rows: readonly object[], write: (chunk: object[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS) await write(rows.slice(start, start + ROWS) as object[]);
}
