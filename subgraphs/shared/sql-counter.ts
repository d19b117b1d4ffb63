import type { Knex } from "knex";

/**
 * Every SQL statement a request runs goes through here, so the count per request can be checked: it must not grow
 * with the number of results (one statement per type per request, thanks to DataLoader).
 */
export class RequestSql {
  count = 0;
  constructor(readonly knex: Knex) {}

  async run<T>(statement: Knex.QueryBuilder | Knex.Raw): Promise<T> {
    this.count += 1;
    const result = await statement;
    return result as T;
  }

  async rows<T>(statement: Knex.QueryBuilder): Promise<T[]> {
    return this.run<T[]>(statement);
  }

  async first<T>(statement: Knex.QueryBuilder): Promise<T | undefined> {
    const rows = await this.run<T[]>(statement.limit(1));
    return rows[0];
  }
}
