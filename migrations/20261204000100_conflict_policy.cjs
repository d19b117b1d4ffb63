// Per-field conflict policy (SYNC_CONFLICT_POLICY): each conflict says which policy decided it. A manual conflict
// has no winner until resolveConflict decides, and stays one open row per field however often it is seen again.

/** @param {import("knex").Knex} knex */
exports.up = async function up(knex) {
  await knex.raw(
    "alter table conflicts add column policy text not null default 'newest' constraint conflicts_policy_check check (policy in ('newest', 'poweroffice', 'chargebee', 'manual'))",
  );
  await knex.raw("alter table conflicts alter column winner drop not null");
  await knex.raw("alter table conflicts add constraint conflicts_winner_or_manual check (winner is not null or policy = 'manual')");
  await knex.raw("create unique index conflicts_open_manual on conflicts (unified_id, flow, field) where status = 'open' and policy = 'manual'");
};

/** @param {import("knex").Knex} knex */
exports.down = async function down(knex) {
  await knex.raw("drop index conflicts_open_manual");
  await knex.raw("delete from conflicts where winner is null");
  await knex.raw("alter table conflicts drop constraint conflicts_winner_or_manual");
  await knex.raw("alter table conflicts alter column winner set not null");
  await knex.raw("alter table conflicts drop column policy");
};
