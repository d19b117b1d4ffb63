// Datasets: the last-seen copy of every source record. GraphQL reads come from here, never from the APIs.

/** @param {import("knex").Knex} knex */
exports.up = async function up(knex) {
  await knex.raw("create sequence dataset_change_seq");
  await knex.schema.createTable("dataset_records", (t) => {
    t.bigIncrements("id");
    t.text("system").notNullable().checkIn(["poweroffice", "chargebee"], "dataset_records_system_check");
    t.text("entity").notNullable(); // e.g. ContactPerson, SalesOrder (PowerOffice); customer, item, order (Chargebee)
    t.text("source_id").notNullable();
    t.jsonb("data").notNullable();
    t.text("content_hash").notNullable();
    t.timestamp("source_changed_at", { useTz: true });
    t.boolean("deleted").notNullable().defaultTo(false);
    t.timestamp("first_seen_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("last_seen_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // Moved forward on every content change, so readers can follow changes in order without a time filter.
    t.bigInteger("change_seq").notNullable().defaultTo(knex.raw("nextval('dataset_change_seq')"));
    // Case-folded email and searchable name, filled by the dataset writer, for matching and filters.
    t.text("email");
    t.text("name");
    // The parent record for sub-entities (a contact person's customer, an order line's order).
    t.text("parent_id");
    t.unique(["system", "entity", "source_id"], { indexName: "dataset_records_identity" });
  });
  await knex.raw("alter sequence dataset_change_seq owned by dataset_records.change_seq");
  await knex.raw("create index dataset_records_change_seq on dataset_records (change_seq)");
  await knex.raw("create index dataset_records_email on dataset_records (email) where email is not null");
  await knex.raw("create index dataset_records_entity_name on dataset_records (system, entity, name)");
  await knex.raw("create index dataset_records_parent on dataset_records (system, entity, parent_id) where parent_id is not null");
};

/** @param {import("knex").Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable("dataset_records");
  await knex.raw("drop sequence if exists dataset_change_seq");
};
