import type { Invoice } from "chargebee";
import { ChargebeeApiError, chargebeeRecordFrom, itemPriceIdFor } from "../../connectors/chargebee/index.js";
import { liveRecordIds } from "../../datasets/read-records.js";
import type { SourceRecordInput } from "../../datasets/types.js";
import type { FieldValue, WriteResult } from "../model/flow-definition.js";
import type { SyncContext } from "../model/types.js";
import { QuarantineError, RetryNextRunError } from "../model/errors.js";
import { asAddress, toBillingAddress } from "../flows/address.js";
import { CLAIM_LEASE_SECONDS, claimIntent, failIntent, recordIntent } from "../tables/outbox.js";

/** The item family our products go into (Chargebee items need one). */
export const PRODUCT_ITEM_FAMILY_ID = "po-products";

type Properties = Record<string, FieldValue>;

function asRecord(value: unknown): Record<string, unknown> {
  return value as Record<string, unknown>;
}

/** Chargebee clears a text property that is sent empty; null would be dropped by the form encoder. */
function forUpdate(properties: Properties): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(properties)) out[key] = value === null ? "" : String(value);
  return out;
}

function forCreate(properties: Properties): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(properties)) if (value !== null && value !== "") out[key] = String(value);
  return out;
}

export async function createChargebeeCustomer(
  ctx: SyncContext,
  input: { id: string; properties: Properties; businessEntityId?: string; idempotencyKey: string },
): Promise<WriteResult> {
  const { billing_address: address, ...properties } = input.properties;
  const billing = asAddress(address);
  const result = await ctx.chargebee.createCustomer(
    { id: input.id, ...forCreate(properties), ...(billing ? { billing_address: toBillingAddress(billing) } : {}) },
    { idempotencyKey: input.idempotencyKey, businessEntityId: input.businessEntityId },
  );
  return {
    records: [chargebeeRecordFrom("customer", asRecord(result.record))],
    id: result.record.id,
    existing: result.existing,
    apiCalls: result.existing ? 2 : 1,
  };
}

/** The business entity a Chargebee customer belongs to, from its stored copy. */
export function customerEntity(target: { data: Record<string, unknown> }): string | undefined {
  const entity = target.data.business_entity_id;
  return typeof entity === "string" && entity !== "" ? entity : undefined;
}

export async function updateChargebeeCustomer(
  ctx: SyncContext,
  input: { id: string; properties: Properties; businessEntityId?: string },
): Promise<WriteResult> {
  const { billing_address: address, ...properties } = input.properties;
  const options = { businessEntityId: input.businessEntityId };
  const billing = address === undefined ? undefined : asAddress(address);
  if (billing === null) {
    // Nothing in the reference says an empty update_billing_info removes an address: we do not guess (checked before any call).
    throw new QuarantineError(
      `The address was removed in PowerOffice, and Chargebee's API cannot remove customer ${input.id}'s billing address: remove it in Chargebee's admin too, or give the customer an address in PowerOffice again`,
    );
  }
  let customer: unknown;
  let apiCalls = 0;
  if (Object.keys(properties).length > 0) {
    customer = await ctx.chargebee.updateCustomer(input.id, forUpdate(properties), options);
    apiCalls += 1;
  }
  if (billing) {
    customer = await ctx.chargebee.updateCustomerBillingInfo(input.id, { billing_address: toBillingAddress(billing) }, options);
    apiCalls += 1;
  }
  return { records: customer ? [chargebeeRecordFrom("customer", asRecord(customer))] : [], id: input.id, apiCalls };
}

/** Per process: the item family is made once (deterministic id, so a second process finds it existing). */
const familyReady = new WeakMap<object, Promise<{ records: SourceRecordInput[]; apiCalls: number }>>();

async function ensureProductFamily(ctx: SyncContext): Promise<{ records: SourceRecordInput[]; apiCalls: number }> {
  const pending = familyReady.get(ctx.chargebee);
  if (pending) {
    await pending;
    return { records: [], apiCalls: 0 };
  }
  const creation = (async () => {
    if ((await liveRecordIds(ctx.knex, "chargebee", "item_family", [PRODUCT_ITEM_FAMILY_ID])).size > 0) return { records: [], apiCalls: 0 };
    const result = await ctx.chargebee.createItemFamily(
      { id: PRODUCT_ITEM_FAMILY_ID, name: "PowerOffice products", description: "Products synced from PowerOffice Go" },
      { idempotencyKey: `create-item-family-${PRODUCT_ITEM_FAMILY_ID}` },
    );
    return { records: [chargebeeRecordFrom("item_family", asRecord(result.record))], apiCalls: result.existing ? 2 : 1 };
  })();
  creation.catch(() => familyReady.delete(ctx.chargebee));
  familyReady.set(ctx.chargebee, creation);
  return creation;
}

/** Item prices known to exist, per client (a process-wide cache; a stale entry makes Chargebee refuse a line). */
const knownItemPrices = new WeakMap<object, Set<string>>();

/** Which of these item prices exist (cache first, then one query for the rest). */
export async function existingItemPrices(ctx: SyncContext, ids: readonly string[]): Promise<Set<string>> {
  let cache = knownItemPrices.get(ctx.chargebee);
  if (!cache) {
    cache = new Set();
    knownItemPrices.set(ctx.chargebee, cache);
  }
  const unknown = ids.filter((id) => !cache.has(id));
  if (unknown.length > 0) {
    for (const id of await liveRecordIds(ctx.knex, "chargebee", "item_price", unknown)) cache.add(id);
  }
  return new Set(ids.filter((id) => cache.has(id)));
}

export function rememberItemPrice(ctx: SyncContext, id: string): void {
  knownItemPrices.get(ctx.chargebee)?.add(id);
}

/**
 * A charge item for a product. Its prices are made when an order first needs one (per currency and VAT rate, see
 * F9), so a product costs one write.
 */
export async function createChargebeeItem(
  ctx: SyncContext,
  input: { id: string; name: string; idempotencyKey: string; businessEntityId?: string },
): Promise<WriteResult> {
  const family = await ensureProductFamily(ctx);
  const item = await ctx.chargebee.createItem(
    { id: input.id, name: input.name, item_family_id: PRODUCT_ITEM_FAMILY_ID, type: "charge" },
    { idempotencyKey: input.idempotencyKey, businessEntityId: input.businessEntityId },
  );
  return {
    records: [...family.records, chargebeeRecordFrom("item", asRecord(item.record))],
    id: item.record.id,
    existing: item.existing,
    apiCalls: family.apiCalls + (item.existing ? 2 : 1),
  };
}

export async function updateChargebeeItem(ctx: SyncContext, input: { id: string; properties: Properties }): Promise<WriteResult> {
  const item = await ctx.chargebee.updateItem(input.id, forUpdate(input.properties));
  return { records: [chargebeeRecordFrom("item", asRecord(item))], id: input.id, apiCalls: 1 };
}

export async function archiveChargebeeItem(ctx: SyncContext, id: string): Promise<WriteResult> {
  const item = await ctx.chargebee.updateItem(id, { status: "archived" });
  return { records: [chargebeeRecordFrom("item", asRecord(item))], id, apiCalls: 1 };
}

/** Item price creates in flight, per client: orders processed at once that need the same new price share one create. */
const itemPricesInFlight = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * An item price for invoice lines (another currency, or a tax profile), made when an order needs it. Made once per
 * process: an order that needs a price another order is making waits for that create (records and calls are counted
 * by the first), instead of sending a second create that Chargebee would only replay.
 */
export async function ensureChargebeeItemPrice(
  ctx: SyncContext,
  input: { id?: string; itemId: string; currencyCode: string; unitPrice: number; name: string; taxProfileId?: string },
): Promise<{ id: string; records: SourceRecordInput[]; apiCalls: number }> {
  const id = input.id ?? itemPriceIdFor(input.itemId, input.currencyCode);
  if (knownItemPrices.get(ctx.chargebee)?.has(id)) return { id, records: [], apiCalls: 0 };
  let inFlight = itemPricesInFlight.get(ctx.chargebee);
  if (!inFlight) {
    inFlight = new Map();
    itemPricesInFlight.set(ctx.chargebee, inFlight);
  }
  const pending = inFlight.get(id);
  if (pending) {
    await pending;
    return { id, records: [], apiCalls: 0 };
  }
  const creation = createItemPrice(ctx, id, input);
  inFlight.set(id, creation);
  try {
    return await creation;
  } finally {
    inFlight.delete(id);
  }
}

async function createItemPrice(
  ctx: SyncContext,
  id: string,
  input: { itemId: string; currencyCode: string; unitPrice: number; name: string; taxProfileId?: string },
): Promise<{ id: string; records: SourceRecordInput[]; apiCalls: number }> {
  const result = await ctx.chargebee.createItemPrice(
    {
      id,
      itemId: input.itemId,
      currencyCode: input.currencyCode,
      price: input.unitPrice,
      name: `${input.name} (${input.currencyCode}${input.taxProfileId ? `, ${input.taxProfileId}` : ""})`.slice(0, 100),
      taxProfileId: input.taxProfileId,
    },
    { idempotencyKey: `create-item-price-${id}` },
  );
  rememberItemPrice(ctx, id);
  return { id, records: [chargebeeRecordFrom("item_price", asRecord(result.record))], apiCalls: result.existing ? 2 : 1 };
}

export interface OrderLineWrite {
  itemPriceId: string;
  quantity: number;
  unitPrice: number;
  description?: string;
}

/** Chargebee refused the key as used before with other parameters (422, naming the idempotency header). */
function isIdempotencyMismatch(error: unknown): boolean {
  return (
    error instanceof ChargebeeApiError &&
    error.httpStatus === 422 &&
    (error.param === "chargebee-idempotency-key" || /idempotency/i.test(error.message))
  );
}

/**
 * A sales order the way Chargebee allows: an invoice carrying the lines, then the order for that invoice with our
 * id. The invoice has no id of ours, so it is made exactly once through the outbox:
 * - the intent is recorded before the call (one per order while pending), and this worker claims it while it looks
 *   the invoice up or creates it: a worker that finds it claimed waits for the claim to end (a dead worker's lapses
 *   within seconds), and leaves the order for the next run if it does not;
 * - after a crash (the intent was left pending) the invoice is looked up by our reference before one is created;
 * - the idempotency key is the order's, with the parameters' fingerprint (see the client): a retry within 30
 *   minutes replays the same invoice, and a key Chargebee saw with other parameters is answered by the lookup.
 * The order create is idempotent by its deterministic id.
 */
export async function createChargebeeOrder(
  ctx: SyncContext,
  input: {
    id: string;
    customerId: string;
    currencyCode: string;
    lines: OrderLineWrite[];
    invoiceDate?: Date;
    businessEntityId?: string;
    flow: string;
    note?: string;
    /** The intent the engine recorded ahead (one statement per batch); without it one is recorded here. */
    outbox?: { id: string; attempts: number; recovered: boolean };
  },
): Promise<WriteResult> {
  const { entry, recovered } = input.outbox
    ? { entry: { id: input.outbox.id }, recovered: input.outbox.recovered }
    : await recordIntent(ctx.knex, {
        system: "chargebee",
        entity: "invoice",
        operation: "create",
        flow: input.flow,
        lookupKey: input.id,
        payload: { customerId: input.customerId, currencyCode: input.currencyCode },
      });
  const claim = await claimIntent(ctx.knex, entry.id);
  if (!claim) {
    throw new RetryNextRunError(
      `another worker has been creating the Chargebee invoice for ${input.id} for ${CLAIM_LEASE_SECONDS} s and more; the order is tried again on the next run`,
    );
  }
  let apiCalls = 0;
  let invoice: Invoice | null = null;
  try {
    if (recovered) {
      apiCalls += 1;
      invoice = await ctx.chargebee.findInvoiceByReference(input.customerId, input.id);
    }
    if (!invoice) {
      try {
        apiCalls += 1;
        invoice = await ctx.chargebee.createInvoiceForCharges(
          {
            customerId: input.customerId,
            currencyCode: input.currencyCode,
            lines: input.lines,
            reference: input.id,
            invoiceDate: input.invoiceDate,
            invoiceNote: input.note,
          },
          { idempotencyKey: `create-invoice-${input.id}`, businessEntityId: input.businessEntityId },
        );
      } catch (error) {
        if (isIdempotencyMismatch(error)) {
          apiCalls += 1;
          invoice = await ctx.chargebee.findInvoiceByReference(input.customerId, input.id);
          if (!invoice) {
            throw new RetryNextRunError(
              `Chargebee answered that the invoice request for ${input.id} reused an idempotency key with other parameters, and no invoice ` +
                `with reference ${input.id} was found for customer ${input.customerId}; the order is tried again on the next run`,
              { cause: error },
            );
          }
        } else {
          // A refused request (4xx other than 429) created nothing: the intent is closed. Anything else stays pending.
          if (error instanceof ChargebeeApiError && error.httpStatus >= 400 && error.httpStatus < 500 && error.httpStatus !== 429) {
            await failIntent(ctx.knex, entry.id, error.message);
          }
          throw error;
        }
      }
    }
  } finally {
    // Once the invoice exists (or the call failed), a lookup finds what there is: the claim has done its job.
    await claim.release();
  }
  apiCalls += 1;
  const order = await ctx.chargebee.createOrderForInvoice(
    { invoiceId: invoice.id, id: input.id, referenceId: input.id },
    { idempotencyKey: `create-order-${input.id}`, businessEntityId: input.businessEntityId },
  );
  if (order.existing) apiCalls += 1;
  return {
    records: [chargebeeRecordFrom("invoice", asRecord(invoice)), chargebeeRecordFrom("order", asRecord(order.record))],
    id: order.record.id,
    existing: order.existing,
    apiCalls,
    outboxIds: [entry.id],
  };
}
