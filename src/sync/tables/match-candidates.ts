import type { Knex } from "knex";

// Where a Chargebee-born record may already be in PowerOffice: live records of a type with this email or name,
// each with its active link in the flow that pairs it and the Chargebee records that link reaches.

export interface PowerOfficeCandidate {
  entity: string;
  sourceId: string;
  /** The unified record it is linked to in its flow, or null when it is not linked. */
  unifiedId: string | null;
  /** The Chargebee records that link reaches (empty when unlinked). */
  chargebeeIds: string[];
}

export async function powerOfficeCandidates(
  knex: Knex,
  query: {
    entity: string;
    flow: string;
    where?: { property: string; is: boolean };
    /** Case-folded email, or an exact property value. */
    email?: string;
    property?: { name: string; value: string };
  },
): Promise<PowerOfficeCandidate[]> {
  const conditions: string[] = [];
  const bindings: Knex.RawBinding[] = [query.flow, query.entity];
  if (query.email !== undefined) {
    conditions.push("d.email = ?");
    bindings.push(query.email);
  }
  if (query.property) {
    conditions.push("d.data->>? = ?");
    bindings.push(query.property.name, query.property.value);
  }
  if (query.where) {
    conditions.push(query.where.is ? "(d.data->>?) = 'true'" : "coalesce(d.data->>?, 'false') <> 'true'");
    bindings.push(query.where.property);
  }
  const result = await knex.raw(
    `select d.entity, d.source_id, l.unified_id,
            coalesce((select array_agg(c.source_id order by c.source_id) from links c
                       where c.unified_id = l.unified_id and c.flow = l.flow and c.system = 'chargebee' and c.status <> 'deleted'), '{}') as chargebee_ids
       from dataset_records d
       left join links l on l.flow = ? and l.system = 'poweroffice' and l.entity = d.entity and l.source_id = d.source_id and l.status <> 'deleted'
      where d.system = 'poweroffice' and d.entity = ? and not d.deleted ${conditions.map((condition) => `and ${condition}`).join(" ")}
      order by length(d.source_id), d.source_id`,
    bindings,
  );
  return (result.rows as Array<{ entity: string; source_id: string; unified_id: string | null; chargebee_ids: string[] }>).map((row) => ({
    entity: row.entity,
    sourceId: row.source_id,
    unifiedId: row.unified_id,
    chargebeeIds: row.chargebee_ids,
  }));
}

/** Whether a Chargebee record has any link, active or closed (a record once paired is never created again). */
export async function everPaired(knex: Knex, record: { entity: string; sourceId: string }): Promise<boolean> {
  const row = await knex("links").where({ system: "chargebee", entity: record.entity, source_id: record.sourceId }).first("id");
  return Boolean(row);
}
