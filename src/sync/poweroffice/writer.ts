import { PowerOfficeApiError, powerOfficeResourceOf, replaceOperations } from "../../connectors/poweroffice/index.js";
import type { DatasetRecord, SourceRecordInput } from "../../datasets/types.js";
import type { FieldValue, PreparedIntent, WriteResult } from "../model/flow-definition.js";
import { RetryNextRunError } from "../model/errors.js";
import { CLAIM_LEASE_SECONDS, claimIntent } from "../tables/outbox.js";
import type { SyncContext } from "../model/types.js";
import { powerOfficeRecordFrom } from "./records.js";
import { asAddress, type PostalAddress } from "../flows/address.js";
import { readProperty } from "../flows/fields.js";

const ADDRESS_PARTS = { line1: "AddressLine1", city: "City", zip: "ZipCode", country: "CountryCode" } as const;

/**
 * JSON Patch operations that make the record's MailAddress this address: nested paths (as the spec's examples write
 * them) on an address it has, the whole address added where it has none, removed for null. AddressLine2 and the
 * address's own fields stay.
 */
function mailAddressOperations(data: Record<string, unknown>, address: PostalAddress | null): unknown[] {
  const current = readProperty(data, "MailAddress");
  const has = typeof current === "object" && current !== null;
  if (!address) return has ? [{ op: "remove", path: "/MailAddress" }] : [];
  if (!has) {
    const value: Record<string, string> = {};
    for (const [part, name] of Object.entries(ADDRESS_PARTS)) if (address[part] !== null) value[name] = address[part]!;
    return [{ op: "add", path: "/MailAddress", value }];
  }
  const ops: unknown[] = [];
  for (const [part, name] of Object.entries(ADDRESS_PARTS)) {
    const now = readProperty(current as Record<string, unknown>, name);
    const present = now !== undefined && now !== null;
    const wanted = address[part] ?? null;
    // A country Chargebee does not have leaves PowerOffice's as it is (it defaults to NO).
    if (part === "country" && wanted === null) continue;
    if (wanted === null) {
      if (present) ops.push({ op: "remove", path: `/MailAddress/${name}` });
    } else if (now !== wanted) ops.push({ op: present ? "replace" : "add", path: `/MailAddress/${name}`, value: wanted });
  }
  return ops;
}

/**
 * Updates a PowerOffice record with JSON Patch `replace` operations (one call). Updates are idempotent, so a retry
 * after a crash writes the same values again.
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
  const { MailAddress: address, ...plain } = properties;
  const operations: unknown[] = [...replaceOperations(plain as Record<string, never>)];
  if (address !== undefined) operations.push(...mailAddressOperations(record.data, asAddress(address)));
  if (operations.length === 0) return { records: [], id: record.sourceId, apiCalls: 0 };
  const updated = (await ctx.poweroffice.patch(resource, key as never, operations as never)) as unknown as Record<string, unknown>;
  return {
    records: [powerOfficeRecordFrom(record.entity, updated, { parentId: record.parentId ?? undefined })],
    id: record.sourceId,
    apiCalls: 1,
  };
}

/**
 * Makes one PowerOffice record for a Chargebee record, exactly once. PowerOffice has no idempotency key, so the
 * record carries the Chargebee id in a field PowerOffice keeps unique (a customer's ExternalImportReference, a
 * product's Code), and the create goes through the outbox like F8's invoice: the intent is recorded before the call
 * and claimed while this worker looks the record up or creates it; after a crash (the intent left pending) the
 * record is looked up by that key before one is created, and a create PowerOffice refuses because the key is taken
 * is answered by the lookup.
 */
export async function createPowerOfficeRecordOnce(
  ctx: SyncContext,
  input: {
    entity: "Customer" | "Product" | "SalesOrder";
    /** The Chargebee id, as the unique key the lookup finds. */
    key: string;
    outbox: PreparedIntent;
    lookup(): Promise<Record<string, unknown> | null>;
    create(): Promise<Record<string, unknown>>;
    /** Calls the lookup makes besides its first (a sales order found in the list is then read with its lines). */
    lookupExtraCalls?: number;
    /** The dataset records of what PowerOffice returned (a sales order: its header and its lines); one by default. */
    toRecords?(record: Record<string, unknown>): SourceRecordInput[];
  },
): Promise<WriteResult> {
  const claim = await claimIntent(ctx.knex, input.outbox.id);
  if (!claim) {
    throw new RetryNextRunError(
      `another worker has been creating the PowerOffice ${input.entity.toLowerCase()} for Chargebee ${input.key} for ${CLAIM_LEASE_SECONDS} s and more; it is tried again on the next run`,
    );
  }
  let apiCalls = 0;
  let record: Record<string, unknown> | null = null;
  let existing = false;
  try {
    if (input.outbox.recovered) {
      record = await input.lookup();
      apiCalls += 1 + (record ? (input.lookupExtraCalls ?? 0) : 0);
      existing = record !== null;
    }
    if (!record) {
      try {
        apiCalls += 1;
        record = await input.create();
      } catch (error) {
        if (
          !(error instanceof PowerOfficeApiError) ||
          error.status !== 400 ||
          !/already in use|already exists|unique/i.test(`${error.title} ${error.detail}`)
        )
          throw error;
        record = await input.lookup();
        apiCalls += 1 + (record ? (input.lookupExtraCalls ?? 0) : 0);
        if (!record) throw error;
        existing = true;
      }
    }
  } finally {
    await claim.release();
  }
  return {
    records: input.toRecords ? input.toRecords(record) : [powerOfficeRecordFrom(input.entity, record)],
    id: String(record.Id),
    existing,
    apiCalls,
    outboxIds: [input.outbox.id],
  };
}
