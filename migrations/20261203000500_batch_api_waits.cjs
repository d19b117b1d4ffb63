// What a batch's API calls wait for (a vendor's rate budget, its requests at once, a 429's Retry-After) and how
// long they waited, written by the batch at most once a second while a wait lasts; the CLI and GraphQL read it.

/** @param {import("knex").Knex} knex */
exports.up = async function up(knex) {
  await knex.raw("alter table sync_run_batches add column api_waits jsonb null");
};

/** @param {import("knex").Knex} knex */
exports.down = async function down(knex) {
  await knex.raw("alter table sync_run_batches drop column api_waits");
};
