// A unified record none of whose records is linked any more (each side deleted or unlinked) says so: 'unlinked',
// not 'synced'; the GraphQL lists leave such records out unless asked for them.

/** @param {import("knex").Knex} knex */
exports.up = async function up(knex) {
  await knex.raw("alter table unified_records drop constraint unified_records_sync_state_check");
  await knex.raw(
    "alter table unified_records add constraint unified_records_sync_state_check check (sync_state in ('synced', 'pending', 'conflict', 'quarantined', 'unlinked'))",
  );
  await knex.raw(`
    update unified_records u set sync_state = 'unlinked', updated_at = now()
     where u.sync_state <> 'unlinked'
       and exists (select 1 from links l where l.unified_id = u.id)
       and not exists (select 1 from links l where l.unified_id = u.id and l.status <> 'deleted')`);
};

/** @param {import("knex").Knex} knex */
exports.down = async function down(knex) {
  await knex.raw("update unified_records set sync_state = 'synced' where sync_state = 'unlinked'");
  await knex.raw("alter table unified_records drop constraint unified_records_sync_state_check");
  await knex.raw(
    "alter table unified_records add constraint unified_records_sync_state_check check (sync_state in ('synced', 'pending', 'conflict', 'quarantined'))",
  );
};
