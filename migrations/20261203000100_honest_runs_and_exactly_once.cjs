// Runs that say what they missed, records that cannot stop the rest, and writes made exactly once:
// - sync_runs.status 'partial': a run that could not read a source, or left records unprocessed for another reason
//   than quarantine; runs and batches count those records (errors) and the ones waiting for a dependency (waiting);
//   a batch notes when its outcome was committed, so a retry never processes or counts it twice;
// - dataset_records keep text the database cannot hold (NUL, lone surrogates) as JSON text in raw_json, next to a
//   sanitized data copy, with data_issues saying what was replaced where; such records are quarantined for writes;
// - sync_source_health: each source's consecutive failed reads, so a read that keeps failing is raised;
// - outbox claims: a worker claims an intent before its remote call, so no two workers make the same call at once.

/** @param {import("knex").Knex} knex */
exports.up = async function up(knex) {
  await knex.raw("alter table sync_runs drop constraint sync_runs_status_check");
  await knex.raw(
    "alter table sync_runs add constraint sync_runs_status_check check (status in ('queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled'))",
  );
  for (const table of ["sync_runs", "sync_run_batches"]) {
    await knex.schema.alterTable(table, (t) => {
      t.integer("errors").notNullable().defaultTo(0);
      t.integer("waiting").notNullable().defaultTo(0);
    });
  }
  // Set in the transaction that commits a batch's outcome (with its counts): a retry after that only marks it done.
  await knex.schema.alterTable("sync_run_batches", (t) => t.timestamp("committed_at", { useTz: true }));

  await knex.schema.alterTable("dataset_records", (t) => {
    t.text("raw_json");
    t.jsonb("data_issues");
  });

  await knex.schema.createTable("sync_source_health", (t) => {
    t.text("source").primary(); // "poweroffice.ContactPerson", "chargebee.customer"
    t.integer("consecutive_failures").notNullable().defaultTo(0);
    t.text("last_error");
    t.uuid("last_run_id");
    t.timestamp("last_failed_at", { useTz: true });
    t.timestamp("last_succeeded_at", { useTz: true });
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.alterTable("outbox", (t) => {
    t.text("claimed_by");
    t.timestamp("claimed_until", { useTz: true });
  });
};

/** @param {import("knex").Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable("outbox", (t) => {
    t.dropColumn("claimed_until");
    t.dropColumn("claimed_by");
  });
  await knex.schema.dropTable("sync_source_health");
  await knex.schema.alterTable("dataset_records", (t) => {
    t.dropColumn("data_issues");
    t.dropColumn("raw_json");
  });
  await knex.schema.alterTable("sync_run_batches", (t) => t.dropColumn("committed_at"));
  for (const table of ["sync_run_batches", "sync_runs"]) {
    await knex.schema.alterTable(table, (t) => {
      t.dropColumn("waiting");
      t.dropColumn("errors");
    });
  }
  await knex.raw("update sync_runs set status = 'succeeded' where status = 'partial'");
  await knex.raw("alter table sync_runs drop constraint sync_runs_status_check");
  await knex.raw(
    "alter table sync_runs add constraint sync_runs_status_check check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled'))",
  );
};
