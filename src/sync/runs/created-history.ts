import type { Knex } from "knex";
import { insertFieldChanges } from "../tables/field-changes.js";
import type { RunDetail } from "./types.js";

/**
 * The history line of a record a createCustomer run made (field null: the whole record, after: the values given),
 * written when the run finishes so it carries the unified id the sync linked the record to.
 */
export async function recordCreatedHistory(trx: Knex.Transaction, runId: string, requestedBy: string, detail: RunDetail): Promise<void> {
  const { create, record } = detail;
  if (!create || !record) return;
  const link = (await trx("links")
    .where({ system: record.system, entity: record.entity, source_id: record.sourceId })
    .whereNot("status", "deleted")
    .orderBy("id")
    .first("unified_id", "flow")) as { unified_id: string; flow: string } | undefined;
  const flow = link?.flow ?? (record.system === "chargebee" ? "F10" : create.values.company ? "F4" : "F3");
  await insertFieldChanges(trx, runId, [
    {
      unifiedId: link?.unified_id ?? null,
      flow,
      system: record.system,
      entity: record.entity,
      sourceId: record.sourceId,
      field: null,
      before: null,
      after: create.values,
      why: "mutation",
      who: requestedBy,
    },
  ]);
}
