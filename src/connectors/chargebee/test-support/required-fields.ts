/**
 * The attributes the SDK's TypeScript types declare as always present (not optional) on each resource, read from
 * node_modules/chargebee/types/resources/*.d.ts. The contract tests check that every object the sandbox returns has
 * them, so what the SDK "parses into its typed result" really has the type's shape.
 */
export const REQUIRED_FIELDS = {
  customer: [
    "id",
    "auto_collection",
    "net_term_days",
    "allow_direct_debit",
    "created_at",
    "promotional_credits",
    "unbilled_charges",
    "refundable_credits",
    "excess_payments",
    "deleted",
  ],
  item: ["id", "name", "type", "is_giftable", "enabled_for_checkout", "enabled_in_portal", "metered", "deleted"],
  item_price: ["id", "name", "pricing_model", "currency_code", "free_quantity", "created_at", "deleted"],
  item_family: ["id", "name", "deleted"],
  invoice: ["id", "customer_id", "recurring", "status", "price_type", "currency_code", "tax", "sub_total", "term_finalized", "is_gifted", "deleted"],
  invoice_line_item: ["date_from", "date_to", "unit_amount", "is_taxed", "description", "entity_type"],
  order: ["id", "price_type", "created_at", "is_resent", "deleted"],
  order_line_item: ["id", "invoice_id", "invoice_line_item_id", "is_shippable", "entity_type"],
  event: ["id", "occurred_at", "source", "webhook_status", "content"],
  business_entity: ["id", "name", "status", "deleted", "created_at"],
  business_entity_transfer: [
    "id",
    "resource_type",
    "resource_id",
    "active_resource_id",
    "destination_business_entity_id",
    "source_business_entity_id",
    "reason_code",
    "created_at",
  ],
} as const;

export function missingFields(kind: keyof typeof REQUIRED_FIELDS, object: unknown): string[] {
  const record = (object ?? {}) as Record<string, unknown>;
  return REQUIRED_FIELDS[kind].filter((field) => record[field] === undefined || record[field] === null);
}
