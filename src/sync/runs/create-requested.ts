import { ChargebeeApiError } from "../../connectors/chargebee/index.js";
import { PowerOfficeApiError } from "../../connectors/poweroffice/index.js";
import { upsertRecords } from "../../datasets/upsert-records.js";
import { createChargebeeCustomer } from "../chargebee/writer.js";
import type { MappedValues } from "../model/flow-definition.js";
import type { SyncContext } from "../model/types.js";
import { powerOfficeCustomerBody } from "../poweroffice/customer-body.js";
import { createPowerOfficeRecordOnce } from "../poweroffice/writer.js";
import { recordIntent, settleIntents } from "../tables/outbox.js";
import type { CreateRefusal, CreateRequest, RecordTarget } from "./types.js";
import { creationAllowed, type CreationSettings } from "../engine/create-settings.js";

/** The unified customer fields as Chargebee's customer properties. */
const CHARGEBEE_PROPERTIES = {
  email: "email",
  firstName: "first_name",
  lastName: "last_name",
  company: "company",
  address: "billing_address",
} as const;
/** PowerOffice's property names in a refusal, and the unified field each is. */
const POWEROFFICE_FIELDS: ReadonlyArray<[RegExp, string]> = [
  [/EmailAddress/i, "email"],
  [/FirstName/i, "firstName"],
  [/LastName/i, "lastName"],
  [/MailAddress|ZipCode|City|CountryCode|AddressLine/i, "address"],
  [/\bName\b/, "company"],
];

/**
 * The key a created record is found again by after a crash: our own Chargebee customer id (gw-…, which F10 takes to
 * PowerOffice, unlike the po-… ids of records the sync made for PowerOffice ones), or the PowerOffice customer's
 * ExternalImportReference. One per run: a retried run job makes the same record, never a second.
 */
export function creationKey(runId: string): string {
  return `gw-${runId}`;
}

/**
 * Makes the record a createCustomer mutation asked for, exactly once, in the system it named, and stores it in the
 * dataset so the run syncs it as a record run. Chargebee: created with our id and an idempotency key (a retry answers
 * the first create). PowerOffice: through the outbox and found by its ExternalImportReference after a crash.
 */
export async function createRequestedRecord(ctx: SyncContext, runId: string, request: CreateRequest): Promise<RecordTarget> {
  const key = creationKey(runId);
  const values = request.values;
  if (request.system === "chargebee") {
    const properties: MappedValues = {};
    for (const [field, property] of Object.entries(CHARGEBEE_PROPERTIES)) {
      const value = values[field];
      if (value !== undefined && value !== null) properties[property] = value;
    }
    const result = await createChargebeeCustomer(ctx, { id: key, properties, idempotencyKey: key });
    await upsertRecords(ctx.knex, result.records);
    return { system: "chargebee", entity: "customer", sourceId: result.id };
  }
  const body = powerOfficeCustomerBody(values, key);
  const { entry, recovered } = await recordIntent(ctx.knex, {
    system: "poweroffice",
    entity: "Customer",
    operation: "create",
    flow: body.IsPerson ? "F3" : "F4",
    lookupKey: key,
    payload: body as Record<string, unknown>,
  });
  const result = await createPowerOfficeRecordOnce(ctx, {
    entity: "Customer",
    key,
    outbox: { id: entry.id, attempts: entry.attempts, recovered },
    lookup: async () => ((await ctx.poweroffice.findCustomersByExternalImportReference(key))[0] as Record<string, unknown> | undefined) ?? null,
    create: async () => (await ctx.poweroffice.create("Customers", body)) as unknown as Record<string, unknown>,
  });
  await ctx.knex.transaction(async (trx) => {
    await upsertRecords(trx, result.records);
    await settleIntents(trx, [{ id: entry.id, resultId: result.id }]);
  });
  return { system: "poweroffice", entity: "Customer", sourceId: result.id };
}

/** Thrown before a create whose partner the sync would not make (SYNC_CREATE, SYNC_CREATE_OFF): nothing is made. */
export class UnpartneredCreateError extends Error {
  constructor(
    readonly system: "poweroffice" | "chargebee",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Refuses a create the sync would leave alone in one system: the partner's flow (F10 for a Chargebee customer, F3
 * or F4 for a PowerOffice one) may not create under the creation settings.
 */
export function refuseUnpartnered(settings: CreationSettings, request: CreateRequest): void {
  const company = request.values.company !== null && request.values.company !== undefined;
  const flow = request.system === "chargebee" ? "F10" : company ? "F4" : "F3";
  const other = request.system === "chargebee" ? "poweroffice" : "chargebee";
  const allowed = creationAllowed(settings, flow, other);
  if (allowed.allowed) return;
  const names = { poweroffice: "PowerOffice", chargebee: "Chargebee" } as const;
  throw new UnpartneredCreateError(
    other,
    `${allowed.why}, so ${flow} would not make its ${names[other]} partner; make the customer with in: ${other.toUpperCase()}, or let ${flow} create (SYNC_CREATE, SYNC_CREATE_OFF)`,
  );
}

/** A create the vendor refused for its content (not a rate limit, an outage or a key): no retry makes it pass. */
export function createRefusal(error: unknown): CreateRefusal | null {
  if (error instanceof UnpartneredCreateError) return { system: error.system, field: null, message: error.message, by: "settings" };
  if (error instanceof ChargebeeApiError && !error.retryable && error.httpStatus >= 400 && error.httpStatus < 500 && error.httpStatus !== 401) {
    const param = error.param ?? "";
    const field = Object.entries(CHARGEBEE_PROPERTIES).find(([, property]) => param === property || param.startsWith(`${property}[`))?.[0];
    return { system: "chargebee", field: field ?? null, message: error.message };
  }
  if (error instanceof PowerOfficeApiError && !error.retryable && (error.status === 400 || error.status === 422)) {
    const text = `${error.title} ${error.detail}`;
    const field = POWEROFFICE_FIELDS.find(([pattern]) => pattern.test(text))?.[1];
    return { system: "poweroffice", field: field ?? null, message: error.message };
  }
  return null;
}
