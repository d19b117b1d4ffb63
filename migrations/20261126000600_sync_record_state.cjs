// Which version of each source record each flow has processed, and how it ended. The engine plans work as the
// dataset records whose content hash differs from the one recorded here, so an unchanged record is never processed
// again and a crash before the commit simply leaves the record to be planned again.

/** @param {import("knex").Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.createTable("sync_record_state", (t) => {
    t.text("flow").notNullable();
    t.text("system").notNullable();
    t.text("entity").notNullable();
    t.text("source_id").notNullable();
    t.text("content_hash").notNullable(); // the dataset version processed
    // done: decided and written; quarantined: bad record (see quarantine); unmatched: link-only flow found no match;
    // deleted: the delete policy was applied
    t.text("status").notNullable().checkIn(["done", "quarantined", "unmatched", "deleted"], "sync_record_state_status_check");
    t.text("reason"); // unmatched/quarantined: what to do about it
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(["flow", "system", "entity", "source_id"]);
  });
  await knex.raw("create index sync_record_state_status on sync_record_state (status, flow) where status <> 'done'");
};

/** @param {import("knex").Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable("sync_record_state");
};
