// One request budget per vendor account (a Chargebee site, a PowerOffice subscription key), shared by every process
// on this database: the workers, the webhook receiver and npm start. One row per account holds the budget's state as
// JSON (recent starts per time bucket, the slots each process holds and until when, the places in line, a vendor's
// 429 pause); processes change it with a compare-and-set on `version` (src/connectors/rate-budget/).
//
// Unlogged: the state lives for about a minute, so it is not worth a WAL write and a flush on every request. After a
// server crash (or on a promoted standby) the table is empty, and the budgets start afresh: the vendor may then see up
// to one window's worth of requests on top of those sent just before, and answers 429, which pauses everyone.

/** @param {import("knex").Knex} knex */
exports.up = async function up(knex) {
  await knex.raw(`
    create unlogged table vendor_rate_budgets (
      account_key text primary key,
      version bigint not null,
      state jsonb not null,
      updated_at timestamptz not null default now()
    )`);
};

/** @param {import("knex").Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable("vendor_rate_budgets");
};
