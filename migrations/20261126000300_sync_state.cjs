// Sync state: cursors, runs, per-record history, conflicts, quarantine, outbox and webhook de-duplication.

/** @param {import("knex").Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable("sync_cursors", (t) => {
    t.text("system").notNullable();
    t.text("entity").notNullable();
    t.text("cursor").notNullable();
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(["system", "entity"]);
  });

  await knex.schema.createTable("sync_runs", (t) => {
    t.uuid("id").primary();
    t.text("requested_by").notNullable();
    t.specificType("flows", "text[]").notNullable();
    t.text("mode").notNullable().checkIn(["incremental", "full", "reconcile", "dry-run"], "sync_runs_mode_check");
    t.text("status").notNullable().defaultTo("queued").checkIn(["queued", "running", "succeeded", "failed", "cancelled"], "sync_runs_status_check");
    t.integer("records_seen").notNullable().defaultTo(0);
    t.integer("created").notNullable().defaultTo(0);
    t.integer("updated").notNullable().defaultTo(0);
    t.integer("deleted").notNullable().defaultTo(0);
    t.integer("unchanged").notNullable().defaultTo(0);
    t.integer("conflicts").notNullable().defaultTo(0);
    t.integer("quarantined").notNullable().defaultTo(0);
    t.integer("api_calls").notNullable().defaultTo(0);
    t.integer("batches_total").notNullable().defaultTo(0);
    t.integer("batches_done").notNullable().defaultTo(0);
    t.jsonb("detail").notNullable().defaultTo("{}"); // per-flow counts, dry-run plan, phase
    t.text("error");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("started_at", { useTz: true });
    t.timestamp("finished_at", { useTz: true });
  });
  await knex.raw("create index sync_runs_created on sync_runs (created_at desc)");
  await knex.raw("create index sync_runs_status on sync_runs (status)");

  await knex.schema.createTable("sync_events", (t) => {
    t.bigIncrements("id");
    t.uuid("run_id").references("id").inTable("sync_runs").onDelete("SET NULL");
    t.uuid("unified_id");
    t.text("flow");
    t.text("system").notNullable();
    t.text("entity").notNullable();
    t.text("source_id").notNullable();
    t.text("action").notNullable(); // create, update, delete, link, unlink, conflict, quarantine, echo, skip
    t.jsonb("detail").notNullable().defaultTo("{}");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw("create index sync_events_unified on sync_events (unified_id, created_at)");
  await knex.raw("create index sync_events_run on sync_events (run_id)");
  await knex.raw("create index sync_events_source on sync_events (system, entity, source_id)");

  await knex.schema.createTable("conflicts", (t) => {
    t.bigIncrements("id");
    t.uuid("unified_id").notNullable().references("id").inTable("unified_records").onDelete("CASCADE");
    t.text("flow").notNullable();
    t.text("field").notNullable();
    t.jsonb("agreed_value");
    t.jsonb("poweroffice_value");
    t.jsonb("chargebee_value");
    t.timestamp("poweroffice_changed_at", { useTz: true });
    t.timestamp("chargebee_changed_at", { useTz: true });
    t.text("winner").notNullable().checkIn(["poweroffice", "chargebee"], "conflicts_winner_check");
    t.text("reason").notNullable(); // newer change, priority tie-break, empty never wipes
    t.text("status").notNullable().defaultTo("open").checkIn(["open", "resolved"], "conflicts_status_check");
    t.text("resolved_by");
    t.jsonb("resolved_value");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("resolved_at", { useTz: true });
  });
  await knex.raw("create index conflicts_unified on conflicts (unified_id)");
  await knex.raw("create index conflicts_open on conflicts (status, created_at)");

  await knex.schema.createTable("quarantine", (t) => {
    t.bigIncrements("id");
    t.text("flow").notNullable();
    t.text("system").notNullable();
    t.text("entity").notNullable();
    t.text("source_id").notNullable();
    t.text("reason").notNullable();
    t.jsonb("payload").notNullable().defaultTo("{}");
    t.text("content_hash"); // the version that failed: a new version is tried again
    t.integer("attempts").notNullable().defaultTo(1);
    t.text("status").notNullable().defaultTo("open").checkIn(["open", "released", "resolved"], "quarantine_status_check");
    t.timestamp("first_seen_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("last_seen_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(["flow", "system", "entity", "source_id"], { indexName: "quarantine_one_per_record" });
  });
  await knex.raw("create index quarantine_open on quarantine (status, last_seen_at)");

  // Writes whose outcome is not yet known: written before the call, settled after it, reconciled after a crash.
  await knex.schema.createTable("outbox", (t) => {
    t.uuid("id").primary();
    t.text("system").notNullable();
    t.text("entity").notNullable();
    t.text("operation").notNullable().checkIn(["create", "update", "delete"], "outbox_operation_check");
    t.text("flow");
    t.uuid("unified_id");
    // What lets us find the record after a crash (e.g. ExternalImportReference, ExternalCode, a Chargebee id).
    t.text("lookup_key").notNullable();
    t.jsonb("payload").notNullable();
    t.text("status").notNullable().defaultTo("pending").checkIn(["pending", "done", "failed"], "outbox_status_check");
    t.text("result_id");
    t.integer("attempts").notNullable().defaultTo(0);
    t.text("error");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw("create index outbox_pending on outbox (status, created_at) where status = 'pending'");
  await knex.raw("create unique index outbox_one_pending_write on outbox (system, entity, lookup_key) where status = 'pending'");

  await knex.schema.createTable("webhook_events", (t) => {
    t.text("event_id").primary();
    t.text("event_type").notNullable();
    t.timestamp("occurred_at", { useTz: true });
    t.timestamp("received_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw("create index webhook_events_received on webhook_events (received_at)");
};

/** @param {import("knex").Knex} knex */
exports.down = async function down(knex) {
  for (const table of ["webhook_events", "outbox", "quarantine", "conflicts", "sync_events", "sync_runs", "sync_cursors"]) {
    await knex.schema.dropTable(table);
  }
};
