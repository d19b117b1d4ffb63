/** How the product reads one Chargebee resource. */
export interface ChargebeeResource {
  /** The list call, as the client's statistics name it ("customer.list"); null: learned from events (no list). */
  listEndpoint: string | null;
  /** An immutable sort key: paging over updated_at can skip records (see the reference notes). */
  sort?: string;
  /** The list takes include_deleted (customers, invoices, orders). */
  includeDeleted: boolean;
  /** No include_deleted, but status[is]=deleted lists the deleted ones (items, item prices): a second pass. */
  deletedByStatus?: boolean;
}

/**
 * The one list of the Chargebee resources the product reads and stores, by the API's own key (as in
 * `{"customer": {...}}`): the client's reads, the dataset types, the webhook receiver and the flow registry's
 * checks derive from it.
 */
export const CHARGEBEE_RESOURCE_REGISTRY = {
  customer: { listEndpoint: "customer.list", sort: "created_at", includeDeleted: true },
  item: { listEndpoint: "item.list", sort: "id", includeDeleted: false, deletedByStatus: true },
  item_family: { listEndpoint: "itemFamily.list", includeDeleted: false },
  item_price: { listEndpoint: "itemPrice.list", sort: "id", includeDeleted: false, deletedByStatus: true },
  invoice: { listEndpoint: "invoice.list", sort: "date", includeDeleted: true },
  order: { listEndpoint: "order.list", sort: "created_at", includeDeleted: true },
  business_entity: { listEndpoint: null, includeDeleted: false },
} as const satisfies Record<string, ChargebeeResource>;

export type ChargebeeDatasetEntity = keyof typeof CHARGEBEE_RESOURCE_REGISTRY;
