import { SandboxApiError, wrongValue } from "./errors.js";
import { columnsToRows, type FormObject, type FormValue } from "./form.js";
import { bodySchema, CoercionError, parseBody } from "./schemas.js";
import type { ChargebeeSandboxStore, WriteContext } from "./store.js";

export interface ApiRequest {
  method: "GET" | "POST";
  /** Path segments after /api/v2. */
  segments: string[];
  query: FormObject;
  body: FormObject;
  ctx: WriteContext;
}

type Handler = (store: ChargebeeSandboxStore, request: ApiRequest, id: string) => object;

interface Route {
  method: "GET" | "POST";
  /** e.g. ["customers", ":id", "delete"] */
  pattern: string[];
  handler: Handler;
}

/** Coerces and validates a body against the SDK's schema for this operation. */
function body(request: ApiRequest, file: string, schema: string): Record<string, unknown> {
  try {
    return parseBody(request.body, bodySchema(file, schema));
  } catch (error) {
    if (error instanceof CoercionError) throw wrongValue(error.param, error.message);
    throw error;
  }
}

/** Parameters of update_billing_info that POST /customers/{id} does not take. */
const BILLING_INFO_PARAMS = ["billing_address", "vat_number", "vat_number_prefix"];

const wrap = (key: string, record: Record<string, unknown>) => ({ [key]: record });

function crud(path: string, key: "customer" | "item" | "item_family" | "item_price", file: string, schemaName: string): Route[] {
  const create = {
    customer: (s: ChargebeeSandboxStore, p: Record<string, unknown>, c: WriteContext) => s.createCustomer(p, c),
    item: (s: ChargebeeSandboxStore, p: Record<string, unknown>, c: WriteContext) => s.createItem(p, c),
    item_family: (s: ChargebeeSandboxStore, p: Record<string, unknown>, c: WriteContext) => s.createItemFamily(p, c),
    item_price: (s: ChargebeeSandboxStore, p: Record<string, unknown>, c: WriteContext) => s.createItemPrice(p, c),
  }[key];
  const update = {
    customer: (s: ChargebeeSandboxStore, id: string, p: Record<string, unknown>, c: WriteContext) => s.updateCustomer(id, p, c),
    item: (s: ChargebeeSandboxStore, id: string, p: Record<string, unknown>, c: WriteContext) => s.updateItem(id, p, c),
    item_family: (s: ChargebeeSandboxStore, id: string, p: Record<string, unknown>, c: WriteContext) => s.updateItemFamily(id, p, c),
    item_price: (s: ChargebeeSandboxStore, id: string, p: Record<string, unknown>, c: WriteContext) => s.updateItemPrice(id, p, c),
  }[key];
  const remove = {
    customer: (s: ChargebeeSandboxStore, id: string, c: WriteContext) => s.deleteCustomer(id, c),
    item: (s: ChargebeeSandboxStore, id: string, c: WriteContext) => s.deleteItem(id, c),
    item_family: (s: ChargebeeSandboxStore, id: string, c: WriteContext) => s.deleteItemFamily(id, c),
    item_price: (s: ChargebeeSandboxStore, id: string, c: WriteContext) => s.deleteItemPrice(id, c),
  }[key];
  return [
    { method: "GET", pattern: [path], handler: (s, r) => s.list(key, r.query) },
    { method: "POST", pattern: [path], handler: (s, r) => wrap(key, create(s, body(r, file, `Create${schemaName}BodySchema`), r.ctx)) },
    { method: "GET", pattern: [path, ":id"], handler: (s, _r, id) => wrap(key, s.retrieve(key, id)) },
    {
      method: "POST",
      pattern: [path, ":id"],
      handler: (s, r, id) => {
        // The reference: a customer's billing address and VAT fields change only through update_billing_info.
        const billingOnly = key === "customer" ? BILLING_INFO_PARAMS.find((param) => param in r.body) : undefined;
        if (billingOnly) throw wrongValue(billingOnly, `${billingOnly} cannot be changed here; use POST /customers/{id}/update_billing_info`);
        return wrap(key, update(s, id, body(r, file, `Update${schemaName}BodySchema`), r.ctx));
      },
    },
    {
      method: "POST",
      pattern: [path, ":id", "delete"],
      handler: (s, r, id) => {
        if (key === "customer") body(r, file, "DeleteCustomerBodySchema");
        return wrap(key, remove(s, id, r.ctx));
      },
    },
  ];
}

const ROUTES: Route[] = [
  ...crud("customers", "customer", "customer", "Customer"),
  {
    method: "POST",
    pattern: ["customers", ":id", "update_billing_info"],
    handler: (s, r, id) => wrap("customer", s.updateCustomerBillingInfo(id, body(r, "customer", "UpdateBillingInfoCustomerBodySchema"), r.ctx)),
  },
  ...crud("item_families", "item_family", "item_family", "ItemFamily"),
  ...crud("items", "item", "item", "Item"),
  ...crud("item_prices", "item_price", "item_price", "ItemPrice"),
  { method: "GET", pattern: ["invoices"], handler: (s, r) => s.list("invoice", r.query) },
  {
    method: "POST",
    pattern: ["invoices", "create_for_charge_items_and_charges"],
    handler: (s, r) => {
      const params = body(r, "invoice", "CreateForChargeItemsAndChargesInvoiceBodySchema");
      const rows = {
        itemPrices: columnsToRows(params.item_prices as Record<string, unknown> | undefined),
        charges: columnsToRows(params.charges as Record<string, unknown> | undefined),
      };
      const { item_prices: _prices, charges: _charges, ...rest } = params;
      return wrap("invoice", s.createInvoiceForCharges(rest, r.ctx, rows));
    },
  },
  { method: "GET", pattern: ["invoices", ":id"], handler: (s, _r, id) => wrap("invoice", s.retrieve("invoice", id)) },
  { method: "GET", pattern: ["orders"], handler: (s, r) => s.list("order", r.query) },
  { method: "POST", pattern: ["orders"], handler: (s, r) => wrap("order", s.createOrder(body(r, "order", "CreateOrderBodySchema"), r.ctx)) },
  { method: "GET", pattern: ["orders", ":id"], handler: (s, _r, id) => wrap("order", s.retrieve("order", id)) },
  {
    method: "POST",
    pattern: ["orders", ":id"],
    handler: (s, r, id) => {
      const params = body(r, "order", "UpdateOrderBodySchema");
      const lines = columnsToRows(params.order_line_items as Record<string, unknown> | undefined);
      const { order_line_items: _lines, ...rest } = params;
      return wrap("order", s.updateOrder(id, rest, r.ctx, lines));
    },
  },
  { method: "GET", pattern: ["events"], handler: (s, r) => s.list("event", r.query) },
  { method: "GET", pattern: ["events", ":id"], handler: (s, _r, id) => wrap("event", s.retrieve("event", id)) },
  { method: "GET", pattern: ["business_entities", "transfers"], handler: (s, r) => s.list("business_entity_transfer", r.query) },
  {
    method: "POST",
    pattern: ["business_entities", "transfers"],
    handler: (s, r) =>
      wrap("business_entity_transfer", s.transferBusinessEntity(body(r, "business_entity", "CreateTransfersBusinessEntityBodySchema"), r.ctx)),
  },
];

function matchRoute(method: string, segments: string[]): { route: Route; id: string } | { allowed: string[] } | null {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    if (route.pattern.length !== segments.length) continue;
    let id = "";
    const fits = route.pattern.every((part, index) => {
      if (part === ":id") {
        id = segments[index]!;
        return id !== "";
      }
      return part === segments[index];
    });
    if (!fits) continue;
    if (route.method === method) return { route, id };
    allowed.push(route.method);
  }
  return allowed.length ? { allowed } : null;
}

/** Runs one /api/v2 request against the store; throws SandboxApiError for Chargebee-shaped failures. */
export function handleApiRequest(store: ChargebeeSandboxStore, request: ApiRequest): object {
  const found = matchRoute(request.method, request.segments);
  if (!found) {
    throw new SandboxApiError(
      404,
      "resource_not_found",
      `The sandbox has no ${request.method} /api/v2/${request.segments.join("/")} (it serves the endpoints the connector uses)`,
      undefined,
      "invalid_request",
    );
  }
  if ("allowed" in found)
    throw new SandboxApiError(
      405,
      "http_method_not_supported",
      `Use ${found.allowed.join(" or ")} for /api/v2/${request.segments.join("/")}`,
      undefined,
      "invalid_request",
    );
  return found.route.handler(store, request, found.id);
}

export type { FormValue };
