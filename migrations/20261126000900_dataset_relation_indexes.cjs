// The subgraphs find related records by a JSON field of the payload (a customer's sales orders by CustomerId, its
// Chargebee orders and invoices by customer_id, …). Without an index each lookup reads every record of the entity.
// One partial index per (system, entity) keeps the write cost to the records of that entity. The expressions are the
// ones the subgraphs' queries use (src/datasets/record-queries.ts jsonFieldText): PascalCase fields as
// coalesce(PascalCase, camelCase), others as-is. PostgreSQL and PGlite plan the bound field names as constants,
// so the query's expression and predicates match these. Customers by business_entity_id have no index: an
// account has a few business entities, so that lookup returns a large share of the customers anyway.

const INDEXES = [
  ["dataset_records_po_sales_order_customer", "poweroffice", "SalesOrder", "coalesce(data->>'CustomerId', data->>'customerId')"],
  ["dataset_records_po_employee_department", "poweroffice", "Employee", "coalesce(data->>'DepartmentId', data->>'departmentId')"],
  ["dataset_records_cb_order_customer", "chargebee", "order", "(data->>'customer_id')"],
  ["dataset_records_cb_order_invoice", "chargebee", "order", "(data->>'invoice_id')"],
  ["dataset_records_cb_invoice_customer", "chargebee", "invoice", "(data->>'customer_id')"],
];

/** @param {import("knex").Knex} knex */
exports.up = async function up(knex) {
  for (const [name, system, entity, expression] of INDEXES) {
    await knex.raw(`create index ${name} on dataset_records ((${expression})) where system = '${system}' and entity = '${entity}'`);
  }
};

/** @param {import("knex").Knex} knex */
exports.down = async function down(knex) {
  for (const [name] of INDEXES) await knex.raw(`drop index if exists ${name}`);
};
