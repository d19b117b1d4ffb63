// History per record: every field change the sync detects on a side or writes to one (and every record it creates),
// with why and who; Customer.history, Order.history, Item.history and changes read it, SYNC_HISTORY_DAYS prunes it.

/** @param {import("knex").Knex} knex */
exports.up = async function up(knex) {
  await knex.raw(`
    create table field_changes (
      id bigserial primary key,
      unified_id uuid null references unified_records(id) on delete cascade,
      run_id uuid null references sync_runs(id) on delete set null,
      flow text not null,
      system text not null constraint field_changes_system_check check (system in ('poweroffice', 'chargebee')),
      entity text not null,
      source_id text not null,
      field text null,
      before jsonb null,
      after jsonb null,
      why text not null constraint field_changes_why_check check (why in ('detected', 'sync', 'conflict', 'resolution', 'created', 'mutation')),
      who text null,
      created_at timestamptz not null default now()
    )`);
  await knex.raw("create index field_changes_unified on field_changes (unified_id, id desc)");
  await knex.raw("create index field_changes_created on field_changes (created_at)");
};

/** @param {import("knex").Knex} knex */
exports.down = async function down(knex) {
  await knex.raw("drop table field_changes");
};
