import type { FieldKind } from "./filters.js";

export type SandboxResource =
  "customer" | "item" | "item_family" | "item_price" | "invoice" | "order" | "event" | "business_entity" | "business_entity_transfer";

export interface ResourceSpec {
  /** Filterable fields and their kind (from the SDK's list input types). */
  filters: Record<string, FieldKind>;
  /** sort_by attributes the API accepts. */
  sorts: readonly string[];
  /** Deleted records are hidden unless include_deleted=true. */
  hidesDeleted: boolean;
  /** Values every record has unless set (the sandbox stores records sparsely). */
  defaults: Record<string, unknown>;
}

const timestamps = (...names: string[]) => Object.fromEntries(names.map((name) => [name, "timestamp" as const]));

export const RESOURCE_SPECS: Record<SandboxResource, ResourceSpec> = {
  customer: {
    filters: {
      id: "string",
      first_name: "string",
      last_name: "string",
      email: "string",
      company: "string",
      phone: "string",
      auto_collection: "enum",
      taxability: "enum",
      offline_payment_method: "enum",
      auto_close_invoices: "boolean",
      channel: "enum",
      business_entity_id: "string",
      "relationship.parent_id": "string",
      "relationship.payment_owner_id": "string",
      "relationship.invoice_owner_id": "string",
      ...timestamps("created_at", "updated_at"),
    },
    sorts: ["created_at", "updated_at"],
    hidesDeleted: true,
    defaults: {
      auto_collection: "on",
      net_term_days: 0,
      allow_direct_debit: false,
      taxability: "taxable",
      pii_cleared: "active",
      channel: "web",
      card_status: "no_card",
      promotional_credits: 0,
      refundable_credits: 0,
      excess_payments: 0,
      unbilled_charges: 0,
      preferred_currency_code: "NOK",
      deleted: false,
      object: "customer",
    },
  },
  item_family: {
    filters: { id: "string", name: "string", business_entity_id: "string", include_site_level_resources: "boolean", ...timestamps("updated_at") },
    sorts: [],
    hidesDeleted: true,
    defaults: { status: "active", channel: "web", deleted: false, object: "item_family" },
  },
  item: {
    filters: {
      id: "string",
      item_family_id: "string",
      type: "enum",
      name: "string",
      item_applicability: "enum",
      status: "enum",
      is_giftable: "boolean",
      enabled_for_checkout: "boolean",
      enabled_in_portal: "boolean",
      metered: "boolean",
      usage_calculation: "enum",
      channel: "enum",
      business_entity_id: "string",
      include_site_level_resources: "boolean",
      ...timestamps("updated_at"),
    },
    sorts: ["name", "id", "updated_at"],
    hidesDeleted: true,
    defaults: {
      status: "active",
      is_shippable: false,
      is_giftable: false,
      enabled_for_checkout: true,
      enabled_in_portal: true,
      item_applicability: "all",
      metered: false,
      channel: "web",
      deleted: false,
      object: "item",
    },
  },
  item_price: {
    filters: {
      id: "string",
      name: "string",
      pricing_model: "enum",
      item_id: "string",
      item_family_id: "string",
      item_type: "enum",
      currency_code: "string",
      price_variant_id: "string",
      trial_period: "number",
      trial_period_unit: "enum",
      status: "enum",
      business_entity_id: "string",
      include_site_level_resources: "boolean",
      period_unit: "enum",
      period: "number",
      channel: "enum",
      ...timestamps("updated_at"),
    },
    sorts: ["name", "id", "updated_at"],
    hidesDeleted: true,
    defaults: {
      status: "active",
      pricing_model: "per_unit",
      free_quantity: 0,
      is_taxable: true,
      channel: "web",
      show_description_in_invoices: false,
      show_description_in_quotes: false,
      deleted: false,
      object: "item_price",
    },
  },
  invoice: {
    filters: {
      id: "string",
      subscription_id: "string",
      customer_id: "string",
      recurring: "boolean",
      status: "enum",
      price_type: "enum",
      total: "number",
      amount_paid: "number",
      amount_adjusted: "number",
      credits_applied: "number",
      amount_due: "number",
      dunning_status: "enum",
      payment_owner: "string",
      channel: "enum",
      void_reason_code: "string",
      business_entity_id: "string",
      ...timestamps("date", "paid_at", "updated_at", "voided_at"),
    },
    sorts: ["date", "updated_at"],
    hidesDeleted: true,
    defaults: {
      recurring: false,
      price_type: "tax_exclusive",
      term_finalized: true,
      is_gifted: false,
      amount_adjusted: 0,
      amount_paid: 0,
      write_off_amount: 0,
      credits_applied: 0,
      first_invoice: false,
      has_advance_charges: false,
      round_off_amount: 0,
      channel: "web",
      deleted: false,
      object: "invoice",
    },
  },
  order: {
    filters: {
      id: "string",
      invoice_id: "string",
      subscription_id: "string",
      customer_id: "string",
      status: "enum",
      order_type: "enum",
      resent_status: "enum",
      is_resent: "boolean",
      original_order_id: "string",
      business_entity_id: "string",
      ...timestamps("shipping_date", "shipped_at", "order_date", "paid_on", "updated_at", "created_at"),
    },
    sorts: ["created_at", "updated_at"],
    hidesDeleted: true,
    defaults: {
      order_type: "manual",
      price_type: "tax_exclusive",
      payment_status: "not_paid",
      is_resent: false,
      is_gifted: false,
      amount_adjusted: 0,
      refundable_credits_issued: 0,
      refundable_credits: 0,
      rounding_adjustement: 0,
      deleted: false,
      object: "order",
    },
  },
  event: {
    filters: { id: "string", webhook_status: "enum", event_type: "enum", source: "enum", ...timestamps("occurred_at") },
    sorts: ["occurred_at"],
    hidesDeleted: false,
    defaults: { api_version: "v2", object: "event" },
  },
  business_entity: {
    filters: { id: "string", name: "string", status: "enum", ...timestamps("created_at", "updated_at") },
    sorts: ["created_at"],
    hidesDeleted: true,
    defaults: { status: "active", deleted: false, object: "business_entity" },
  },
  business_entity_transfer: {
    filters: { resource_type: "enum", resource_id: "string", active_resource_id: "string", ...timestamps("created_at") },
    sorts: ["created_at"],
    hidesDeleted: false,
    defaults: { reason_code: "correction", object: "business_entity_transfer" },
  },
};

/** The event type prefix per resource (customer_created, item_price_updated, …). */
export const EVENT_VERBS: Record<SandboxResource, { created: string; updated: string; deleted: string } | null> = {
  customer: { created: "customer_created", updated: "customer_changed", deleted: "customer_deleted" },
  item: { created: "item_created", updated: "item_updated", deleted: "item_deleted" },
  item_family: { created: "item_family_created", updated: "item_family_updated", deleted: "item_family_deleted" },
  item_price: { created: "item_price_created", updated: "item_price_updated", deleted: "item_price_deleted" },
  invoice: { created: "invoice_generated", updated: "invoice_updated", deleted: "invoice_deleted" },
  order: { created: "order_created", updated: "order_updated", deleted: "order_deleted" },
  business_entity: { created: "business_entity_created", updated: "business_entity_updated", deleted: "business_entity_deleted" },
  event: null,
  business_entity_transfer: null,
};

export function isSandboxResource(value: string): value is SandboxResource {
  return Object.hasOwn(RESOURCE_SPECS, value);
}
