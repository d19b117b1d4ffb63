// The sync's planning and batch queries filter on several columns that go together (a flow's records are of one
// system and entity). The planner multiplies their selectivities as if independent and expects a tenth of the rows
// (137 sync_record_state rows for F4's 1,404), then joins with nested loops over everything: the F4 candidate query
// took 123 ms instead of 17 ms at bench:sync's size. Statistics on the column combinations give it the real counts.

const STATISTICS = [
  ["dataset_records_system_entity_statistics", "dataset_records", "system, entity"],
  ["links_flow_system_entity_statistics", "links", "flow, system, entity"],
  ["sync_record_state_flow_system_entity_statistics", "sync_record_state", "flow, system, entity"],
];

/** @param {import("knex").Knex} knex */
exports.up = async function up(knex) {
  for (const [name, table, columns] of STATISTICS) await knex.raw(`create statistics ${name} on ${columns} from ${table}`);
  // Extended statistics are collected by the next analyze; on an existing database that is now.
  await knex.raw(`analyze ${STATISTICS.map(([, table]) => table).join(", ")}`);
};

/** @param {import("knex").Knex} knex */
exports.down = async function down(knex) {
  for (const [name] of STATISTICS) await knex.raw(`drop statistics if exists ${name}`);
};
