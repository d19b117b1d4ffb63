// The batches a sync run fans out into: what each batch does, whether it is done, and what it counted.
// A batch is marked done exactly once, which is what moves a run to its next stage and finally to succeeded.

/** @param {import("knex").Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable("sync_run_batches", (t) => {
    t.uuid("run_id").notNullable().references("id").inTable("sync_runs").onDelete("CASCADE");
    t.integer("stage").notNullable(); // 0-based, in dependency order
    t.integer("seq").notNullable(); // 0-based within the run
    t.specificType("flows", "text[]").notNullable();
    t.text("label").notNullable(); // the flows of its items, e.g. "F1" or "F1+F2" (people decided together)
    t.jsonb("items").notNullable(); // WorkItem[]
    t.integer("item_count").notNullable();
    t.text("status").notNullable().defaultTo("pending").checkIn(["pending", "queued", "running", "done", "failed"], "sync_run_batches_status_check");
    t.integer("attempts").notNullable().defaultTo(0);
    t.integer("records_seen").notNullable().defaultTo(0);
    t.integer("created").notNullable().defaultTo(0);
    t.integer("updated").notNullable().defaultTo(0);
    t.integer("deleted").notNullable().defaultTo(0);
    t.integer("unchanged").notNullable().defaultTo(0);
    t.integer("conflicts").notNullable().defaultTo(0);
    t.integer("quarantined").notNullable().defaultTo(0);
    t.integer("api_calls").notNullable().defaultTo(0);
    t.jsonb("plan"); // dry run: what it would write
    t.text("error");
    t.timestamp("started_at", { useTz: true });
    t.timestamp("finished_at", { useTz: true });
    t.primary(["run_id", "seq"]);
  });
  await knex.raw("create index sync_run_batches_stage on sync_run_batches (run_id, stage, status)");
};

/** @param {import("knex").Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable("sync_run_batches");
};
