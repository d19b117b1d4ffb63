import type { Knex } from "knex";
import type { CreationFlowDefinition } from "../model/creation-flow-definition.js";
import type { FlowDefinition } from "../model/flow-definition.js";
import type { FlowKey } from "../model/types.js";

// What planning reads: the records of a flow whose current version it has not processed, on either side. These
// queries read the datasets, the flows' processed state and the links together, so they live beside those tables.

/** A record a flow has not processed in its current version, with what groups it (email, name). */
export interface Candidate {
  flow: FlowKey;
  source_id: string;
  email: string | null;
  name: string | null;
}

/**
 * The flow's source filter as a condition on the dataset row `alias` (d: the source record, p: a child's parent),
 * with its bindings: a boolean property (absent reads as false), a reference from another type (F4: a sales order's
 * CustomerId), or a link of this flow already; and what a creation flow made, which is never the flow's.
 */
function sourceFilterSql(flow: FlowDefinition, alias = "d"): { sql: string; bindings: string[] } {
  const filter = flow.sourceFilter;
  if (!filter) return { sql: "", bindings: [] };
  const parts: string[] = [];
  const bindings: string[] = [];
  if (filter.where) {
    parts.push(filter.where.is ? `(${alias}.data->>?) = 'true'` : `coalesce(${alias}.data->>?, 'false') <> 'true'`);
    bindings.push(filter.where.property);
  }
  const reached: string[] = [];
  if (filter.referencedBy) {
    reached.push(
      `exists (select 1 from dataset_records o where o.system = 'poweroffice' and o.entity = ? and not o.deleted and o.data->>? = ${alias}.source_id)`,
    );
    bindings.push(filter.referencedBy.entity, filter.referencedBy.property);
  }
  if (filter.orLinked) {
    reached.push(
      `exists (select 1 from links l where l.flow = ? and l.system = 'poweroffice' and l.entity = ${alias}.entity and l.source_id = ${alias}.source_id and l.status <> 'deleted')`,
    );
    bindings.push(flow.id);
  }
  if (reached.length > 0) parts.push(`(${reached.join(" or ")})`);
  // A deleted record is always the flow's: its delete policy applies whatever the filter said.
  const sql = parts.length > 0 ? [`and (${alias}.deleted or (${parts.join(" and ")}))`] : [];
  if (filter.leaveToCreationFlows) {
    sql.push(
      `and not exists (select 1 from links l where l.system = 'poweroffice' and l.entity = ${alias}.entity and l.source_id = ${alias}.source_id and l.flow <> ?)`,
      `and not exists (select 1 from outbox o where o.status = 'pending' and o.system = 'poweroffice' and o.entity = ${alias}.entity and o.operation = 'create' and o.lookup_key = ${alias}.data->>?)`,
    );
    bindings.push(flow.id, filter.leaveToCreationFlows.keyProperty);
  }
  return { sql: sql.join(" "), bindings };
}

/** PowerOffice records of a flow whose current version this flow has not processed yet. */
export async function changedSourceRecords(knex: Knex, flow: FlowDefinition): Promise<Candidate[]> {
  const filter = sourceFilterSql(flow);
  const result = await knex.raw(
    `select d.source_id, d.email, d.name from dataset_records d
       left join sync_record_state s on s.flow = ? and s.system = d.system and s.entity = d.entity and s.source_id = d.source_id
      where d.system = 'poweroffice' and d.entity = ? and (s.content_hash is null or s.content_hash <> d.content_hash) ${filter.sql}
      order by d.source_id`,
    [flow.id, flow.source.entity, ...filter.bindings],
  );
  return (result.rows as Array<Omit<Candidate, "flow">>).map((row) => ({ ...row, flow: flow.id }));
}

/**
 * Linked Chargebee records of a flow that changed since the flow last processed them, as their PowerOffice side.
 * The flow's changed linked records are found first (materialized): the planner cannot tell that a poll finds
 * almost none, and otherwise joins every link of the flow to both sides' records before comparing (figures in
 * bench/README.md).
 */
export async function changedTargetRecords(knex: Knex, flow: FlowDefinition): Promise<Candidate[]> {
  const result = await knex.raw(
    `with changed as materialized (
       select lc.unified_id from links lc
         join dataset_records d on d.system = 'chargebee' and d.entity = lc.entity and d.source_id = lc.source_id
         left join sync_record_state s on s.flow = lc.flow and s.system = 'chargebee' and s.entity = lc.entity and s.source_id = lc.source_id
        where lc.flow = ? and lc.system = 'chargebee' and lc.entity = ? and lc.status <> 'deleted'
          and (s.content_hash is null or s.content_hash <> d.content_hash)
     )
     select distinct p.source_id, p.email, p.name from changed c
       join links lp on lp.unified_id = c.unified_id and lp.flow = ? and lp.system = 'poweroffice' and lp.status <> 'deleted'
       join dataset_records p on p.system = 'poweroffice' and p.entity = lp.entity and p.source_id = lp.source_id`,
    [flow.id, flow.target.entity, flow.id],
  );
  return (result.rows as Array<Omit<Candidate, "flow">>).map((row) => ({ ...row, flow: flow.id }));
}

/** Changed child records (order lines) as their parent's work; the changed lines first, as in changedTargetRecords. */
export async function changedChildRecords(knex: Knex, flow: FlowDefinition, parent: FlowDefinition): Promise<Candidate[]> {
  const filter = sourceFilterSql(parent, "p");
  const result = await knex.raw(
    `with changed as materialized (
       select d.parent_id from dataset_records d
         left join sync_record_state s on s.flow = ? and s.system = d.system and s.entity = d.entity and s.source_id = d.source_id
        where d.system = 'poweroffice' and d.entity = ? and (s.content_hash is null or s.content_hash <> d.content_hash)
     )
     select distinct p.source_id, p.email, p.name from changed d
       join dataset_records p on p.system = 'poweroffice' and p.entity = ? and p.source_id = d.parent_id
      where true ${filter.sql}`,
    [flow.id, flow.source.entity, parent.source.entity, ...filter.bindings],
  );
  return (result.rows as Array<Omit<Candidate, "flow">>).map((row) => ({ ...row, flow: parent.id }));
}

/**
 * Chargebee records of a creation flow's type that were never paired with anything (no link, active or closed, in
 * any flow: a pair someone unlinked or whose PowerOffice side was deleted is not created again) and whose current
 * version the flow has not seen.
 */
export async function unpairedChargebeeRecords(knex: Knex, flow: CreationFlowDefinition): Promise<Candidate[]> {
  const result = await knex.raw(
    `select d.source_id, d.email, d.name from dataset_records d
       left join sync_record_state s on s.flow = ? and s.system = d.system and s.entity = d.entity and s.source_id = d.source_id
      where d.system = 'chargebee' and d.entity = ? and not d.deleted
        and (s.content_hash is null or s.content_hash <> d.content_hash)
        and not exists (select 1 from links l where l.system = 'chargebee' and l.entity = d.entity and l.source_id = d.source_id)
      order by d.source_id`,
    [flow.id, flow.source.entity],
  );
  return (result.rows as Array<Omit<Candidate, "flow">>).map((row) => ({ ...row, flow: flow.id }));
}

/** Whether any of these Chargebee records is linked and its current version not processed by its flow yet. */
export async function anyLinkedUnprocessed(knex: Knex, records: ReadonlyArray<{ entity: string; sourceId: string }>): Promise<boolean> {
  const work = await knex.raw(
    `select 1 from unnest(?::text[], ?::text[]) as k(entity, source_id)
       join links lc on lc.system = 'chargebee' and lc.entity = k.entity and lc.source_id = k.source_id and lc.status <> 'deleted'
       join dataset_records d on d.system = 'chargebee' and d.entity = k.entity and d.source_id = k.source_id
       left join sync_record_state s on s.flow = lc.flow and s.system = 'chargebee' and s.entity = d.entity and s.source_id = d.source_id
      where s.content_hash is null or s.content_hash <> d.content_hash
      limit 1`,
    [records.map((record) => record.entity), records.map((record) => record.sourceId)],
  );
  return (work.rows as unknown[]).length > 0;
}

/** Whether any of these Chargebee records was never linked in any flow (a creation flow's work). */
export async function anyNeverPaired(knex: Knex, records: ReadonlyArray<{ entity: string; sourceId: string }>): Promise<boolean> {
  const work = await knex.raw(
    `select 1 from unnest(?::text[], ?::text[]) as k(entity, source_id)
      where not exists (select 1 from links l where l.system = 'chargebee' and l.entity = k.entity and l.source_id = k.source_id)
      limit 1`,
    [records.map((record) => record.entity), records.map((record) => record.sourceId)],
  );
  return (work.rows as unknown[]).length > 0;
}
