import { powerOfficeResourceOf, replaceOperations } from "../../connectors/poweroffice/index.js";
import type { DatasetRecord } from "../../datasets/types.js";
import type { FieldValue, WriteResult } from "../model/flow-definition.js";
import type { SyncContext } from "../model/types.js";
import { powerOfficeRecordFrom } from "./records.js";

/**
 * Updates a PowerOffice record with JSON Patch `replace` operations (one call). Updates are idempotent, so a retry
 * after a crash writes the same values again; PowerOffice creates are not part of any flow (records are created
 * from PowerOffice into Chargebee, shared/DESIGN.md §1).
 */
export async function patchPowerOfficeRecord(ctx: SyncContext, record: DatasetRecord, properties: Record<string, FieldValue>): Promise<WriteResult> {
  const resource = powerOfficeResourceOf(record.entity);
  if (!resource) throw new Error(`PowerOffice ${record.entity} records cannot be written by the sync`);
  const id = Number(record.sourceId);
  const key =
    resource === "ContactPersons"
      ? { contactId: Number(record.parentId ?? record.data.ContactId), id }
      : resource === "SalesOrders"
        ? record.sourceId
        : id;
  const operations = replaceOperations(properties as Record<string, never>);
  const updated = (await ctx.poweroffice.patch(resource, key as never, operations as never)) as unknown as Record<string, unknown>;
  return {
    records: [powerOfficeRecordFrom(record.entity, updated, { parentId: record.parentId ?? undefined })],
    id: record.sourceId,
    apiCalls: 1,
  };
}
