// The link subgraph finds a customer's unified orders by the Chargebee customer id they agreed on; without an index
// that lookup reads every order of the table for each request.

/** @param {import("knex").Knex} knex */
exports.up = async function up(knex) {
  await knex.raw("create index unified_records_order_customer on unified_records ((agreed->>'customerId')) where kind = 'order'");
};

/** @param {import("knex").Knex} knex */
exports.down = async function down(knex) {
  await knex.raw("drop index if exists unified_records_order_customer");
};
