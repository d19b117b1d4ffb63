// The link table: which PowerOffice record and which Chargebee record are the same thing.

/** @param {import("knex").Knex} knex */
exports.up = async function up(knex) {
  // One row per unified record (Customer, Order, Item, BusinessEntity) with the values both sides agreed on.
  await knex.schema.createTable("unified_records", (t) => {
    t.uuid("id").primary();
    t.text("kind").notNullable().checkIn(["customer", "order", "item", "business_entity"], "unified_records_kind_check");
    t.jsonb("agreed").notNullable().defaultTo("{}");
    t.text("email"); // case-folded
    t.text("name");
    t.text("sync_state")
      .notNullable()
      .defaultTo("synced")
      .checkIn(["synced", "pending", "conflict", "quarantined"], "unified_records_sync_state_check");
    t.timestamp("last_synced_at", { useTz: true });
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw("create index unified_records_kind_email on unified_records (kind, email)");
  await knex.raw("create index unified_records_kind_name on unified_records (kind, name)");
  await knex.raw("create index unified_records_kind_state on unified_records (kind, sync_state)");

  await knex.schema.createTable("links", (t) => {
    t.bigIncrements("id");
    t.uuid("unified_id").notNullable().references("id").inTable("unified_records").onDelete("CASCADE");
    t.text("system").notNullable().checkIn(["poweroffice", "chargebee"], "links_system_check");
    t.text("entity").notNullable();
    t.text("source_id").notNullable();
    t.text("flow").notNullable(); // F1..F9
    // The mapped field values this side had when both sides last agreed (tells an echo from a change).
    t.jsonb("agreed").notNullable().defaultTo("{}");
    // The source change time of the version that was agreed.
    t.timestamp("agreed_source_changed_at", { useTz: true });
    t.timestamp("last_synced_at", { useTz: true });
    t.text("status").notNullable().defaultTo("active").checkIn(["active", "pending", "conflict", "quarantined", "deleted"], "links_status_check");
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // One source record belongs to at most one unified record per flow.
    t.unique(["flow", "system", "entity", "source_id"], { indexName: "links_one_unified_per_flow" });
  });
  await knex.raw("create index links_unified on links (unified_id)");
  await knex.raw("create index links_source on links (system, entity, source_id)");
};

/** @param {import("knex").Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable("links");
  await knex.schema.dropTable("unified_records");
};
