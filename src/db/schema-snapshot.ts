import type { Knex } from "knex";

/**
 * A text description of the application schema (tables, columns, constraints, indexes), for a committed snapshot
 * that a test compares with what the migrations build: a schema change without a migration, or a migration that
 * builds something else than intended, shows as a diff.
 */
export async function describeSchema(knex: Knex): Promise<string> {
  const columns = (
    await knex.raw(`
    select table_name, column_name, data_type, is_nullable, coalesce(column_default, '') as column_default
    from information_schema.columns
    where table_schema = 'public' and table_name not like 'knex_migrations%'
    order by table_name, ordinal_position`)
  ).rows as Array<Record<string, string>>;
  const constraints = (
    await knex.raw(`
    select rel.relname as table_name, con.conname as name, pg_get_constraintdef(con.oid) as definition
    from pg_constraint con join pg_class rel on rel.oid = con.conrelid join pg_namespace ns on ns.oid = rel.relnamespace
    where ns.nspname = 'public' and rel.relname not like 'knex_migrations%' and con.contype <> 'n'
    order by rel.relname, con.conname`)
  ).rows as Array<Record<string, string>>;
  const indexes = (
    await knex.raw(`
    select tablename as table_name, indexname as name, indexdef as definition
    from pg_indexes where schemaname = 'public' and tablename not like 'knex_migrations%'
    order by tablename, indexname`)
  ).rows as Array<Record<string, string>>;

  const lines: string[] = [];
  const tables = [...new Set(columns.map((c) => c.table_name!))];
  for (const table of tables) {
    lines.push(`table ${table}`);
    for (const c of columns.filter((c) => c.table_name === table)) {
      const nullable = c.is_nullable === "YES" ? "null" : "not null";
      lines.push(`  column ${c.column_name} ${c.data_type} ${nullable}${c.column_default ? ` default ${c.column_default}` : ""}`);
    }
    for (const c of constraints.filter((c) => c.table_name === table)) lines.push(`  constraint ${c.name} ${c.definition}`);
    for (const i of indexes.filter((i) => i.table_name === table)) lines.push(`  index ${i.name} ${i.definition}`);
  }
  return `${lines.join("\n")}\n`;
}
