import type { Customer, Event, Invoice, Item, ItemFamily, ItemPrice, Order, BusinessEntity, BusinessEntityTransfer } from "chargebee";
import type { ChargebeeConfig } from "../../config/config.js";

export type { Customer, Event, Invoice, Item, ItemFamily, ItemPrice, Order, BusinessEntity, BusinessEntityTransfer };

/** The resources the client reads incrementally, by the API's own resource key. */
export interface ChargebeeResourceMap {
  customer: Customer;
  item: Item;
  item_price: ItemPrice;
  item_family: ItemFamily;
  invoice: Invoice;
  order: Order;
}
export type ChargebeeReadableResource = keyof ChargebeeResourceMap;

/** Where the SDK sends its requests when it is not `https://{site}.chargebee.com` (the sandbox). */
export interface ChargebeeEndpoint {
  protocol: "http" | "https";
  host: string;
  port: number;
}

/**
 * What createChargebeeClient needs. An AppConfig's `chargebee` section fits as is; the sandbox hands out one with its
 * endpoint. In mode "sandbox" without site/apiKey the fixed demo site and key are used (CHARGEBEE_SANDBOX_*).
 */
export type ChargebeeClientConfig = Pick<ChargebeeConfig, "mode"> &
  Partial<Pick<ChargebeeConfig, "site" | "apiKey" | "requestsPerMinute" | "maxConcurrency" | "sandboxPort">> & {
    endpoint?: ChargebeeEndpoint;
  };

/** Options for every write (POST). */
export interface ChargebeeWriteOptions {
  /** Sent as `chargebee-business-entity-id`: the business entity the write belongs to. */
  businessEntityId?: string;
  /** Sent as `chargebee-idempotency-key` (max 100 chars); one is generated when absent and reused on retries. */
  idempotencyKey?: string;
  /** Sent as `chargebee-event-webhook: all-disabled` (the event is still recorded). Default: the client's setting. */
  suppressWebhook?: boolean;
}

/** Incremental or full read of one resource. */
export interface ChargebeeReadOptions {
  /** Lower bound (inclusive, less the overlap) of updated_at; absent = a full read with no time filter. */
  updatedAfter?: Date | number;
  /** Upper bound of updated_at (inclusive); default: now. Numbers are epoch seconds. */
  updatedBefore?: Date | number;
  /** Also return deleted records (flagged `deleted: true`). Default true. */
  includeDeleted?: boolean;
  /** Seconds subtracted from updatedAfter so writes in flight or stamped by a clock behind ours are not missed. Default 60. */
  overlapSeconds?: number;
  /** The time range is read in windows of at most this many seconds (short offset chains). Default 30 days. */
  windowSeconds?: number;
  /** Page size 1..100. Default 100. */
  limit?: number;
  /** Extra list filters in the SDK's own shape (e.g. `{ customer_id: { is: "x" } }`). */
  filters?: Record<string, unknown>;
}

/** One page of a streamed read: records not yet seen in this read (by id and resource_version). */
export interface ChargebeePage<T> {
  resource: string;
  records: T[];
  /** Records the API returned on this page, duplicates included. */
  received: number;
  /** The updated_at window this page belongs to (epoch seconds), or null for a full read. */
  window: { from: number; to: number } | null;
  /** The largest updated_at (or occurred_at for events) seen so far in this read, epoch seconds. */
  highWatermark: number | null;
  /** Upper bound the whole read covers; a caller can store it as the next cursor once the read completes. */
  readUntil: number;
}

export interface ChargebeeEventReadOptions {
  occurredAfter?: Date | number;
  occurredBefore?: Date | number;
  /** `event_type[in]`. */
  eventTypes?: readonly string[];
  overlapSeconds?: number;
  limit?: number;
}

/** What a create with our own id returned: the record, and whether it already existed (duplicate_entry). */
export interface ChargebeeCreateResult<T> {
  record: T;
  existing: boolean;
  /** True when Chargebee replayed a stored response for the idempotency key. */
  replayed: boolean;
}

export interface ChargebeeInvoiceLine {
  itemPriceId: string;
  quantity: number;
  /** Minor units (øre), integer ≥ 0. */
  unitPrice: number;
  description?: string;
  /** Epoch seconds. */
  dateFrom?: number;
  dateTo?: number;
}

export interface ChargebeeInvoiceForChargesInput {
  customerId: string;
  currencyCode: string;
  lines: ChargebeeInvoiceLine[];
  /** Our reference, sent as `po_number` (max 100): what findInvoiceByReference searches for after a crash. */
  reference?: string;
  /** Epoch seconds or Date. */
  invoiceDate?: Date | number;
  netTermDays?: number;
  /** Default "off": no payment is collected. */
  autoCollection?: "on" | "off";
  invoiceNote?: string;
}

export interface ChargebeeOrderInput {
  invoiceId: string;
  /** Our own order id, at most 40 characters. */
  id?: string;
  referenceId?: string;
  status?: "new" | "processing" | "complete" | "cancelled" | "voided";
  note?: string;
}

export type ChargebeeOutcome = "ok" | "client_error" | "rate_limited" | "server_error" | "network_error" | "timeout";

export interface ChargebeeEndpointStats {
  calls: number;
  outcomes: Partial<Record<ChargebeeOutcome, number>>;
  /** Calls that were retries of an earlier attempt. */
  retries: number;
}

export interface ChargebeeStats {
  totalCalls: number;
  /** Keyed "<resource>.<operation>", e.g. "customer.list", "invoice.createForChargeItemsAndCharges". */
  byEndpoint: Record<string, ChargebeeEndpointStats>;
}

export interface ChargebeeRetryPolicy {
  /** Attempts after the first. Default 5. */
  maxRetries: number;
  /** First backoff. Default 500 ms. */
  baseDelayMs: number;
  /** Cap for one wait (also caps Retry-After). Default 60 s. */
  maxDelayMs: number;
}
