// Unified orders are named by their sales order number (and their invoice's once Chargebee made one), as the sync
// names them from now on: "10023 (invoice 17)". Orders synced before had no name.

/** @param {import("knex").Knex} knex */
exports.up = async function up(knex) {
  await knex.raw(`
    update unified_records u
       set name = so.data->>'SalesOrderNo' || coalesce(' (invoice ' || (cbo.data->>'invoice_id') || ')', '')
      from links lp
      join dataset_records so on so.system = 'poweroffice' and so.entity = 'SalesOrder' and so.source_id = lp.source_id
      left join links lc on lc.unified_id = lp.unified_id and lc.flow = 'F8' and lc.system = 'chargebee' and lc.entity = 'order'
      left join dataset_records cbo on cbo.system = 'chargebee' and cbo.entity = 'order' and cbo.source_id = lc.source_id
     where u.kind = 'order' and u.name is null and lp.unified_id = u.id and lp.flow = 'F8' and lp.system = 'poweroffice'
       and coalesce(so.data->>'SalesOrderNo', '') <> ''`);
};

/** @param {import("knex").Knex} knex */
exports.down = async function down() {
  // Names are data, not schema: nothing to undo.
};
