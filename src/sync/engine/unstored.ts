import { storableValue } from "../../datasets/storable-text.js";
import type { StoreFailure } from "../../datasets/upsert-records.js";
import { upsertQuarantine } from "../tables/quarantine.js";
import type { SyncContext } from "../model/types.js";
import { flowsReading } from "../flows/index.js";

/** What to do about a record that could not be stored, by the system it lives in. */
function remedy(system: "poweroffice" | "chargebee"): string {
  return system === "poweroffice"
    ? "correct the record in PowerOffice Go; it is read again when it changes"
    : "correct the record in Chargebee; it is read again when it changes";
}

/**
 * Records a read could not store go to quarantine, once for each flow that reads them, with the reason and what
 * to do; the read goes on and counts them. They come back when they change at the source (their content is new).
 */
export async function quarantineUnstored(ctx: SyncContext, failures: readonly StoreFailure[]): Promise<number> {
  if (failures.length === 0) return 0;
  const entries = failures.flatMap(({ record, reason }) =>
    flowsReading(record.system, record.entity).map((flow) => ({
      flow,
      system: record.system,
      entity: record.entity,
      sourceId: record.sourceId,
      reason: `${reason}; ${remedy(record.system)}`,
      payload: storableValue(record.data).value,
      contentHash: record.contentHash ?? null,
    })),
  );
  for (const { record, reason } of failures) {
    ctx.logger.warn(
      { system: record.system, entity: record.entity, sourceId: record.sourceId },
      `${reason}: quarantined, the rest of the read goes on`,
    );
  }
  await upsertQuarantine(ctx.knex, entries);
  return failures.length;
}
