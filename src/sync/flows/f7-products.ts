import type { FieldSpec, FlowDefinition } from "../engine/flow-definition.js";
import { archiveChargebeeItem, createChargebeeItem, updateChargebeeItem } from "../writers/chargebee.js";
import { patchPowerOfficeRecord } from "../writers/poweroffice.js";
import { fieldProblems, mapFields, toChargebeeProperties, toPowerOfficeProperties } from "./fields.js";
import { toMinorUnits } from "./money.js";

/** Chargebee item names take at most 100 characters (PowerOffice allows 400: longer names are quarantined). */
const FIELDS: readonly FieldSpec[] = [{ key: "name", poweroffice: "Name", chargebee: "name", kind: "text", maxLength: 100, required: true }];

/** The currency of the price made with each item (PowerOffice product prices are in the client's base currency). */
export const PRODUCT_PRICE_CURRENCY = "NOK";

/**
 * F7: every PowerOffice product ↔ a Chargebee charge item (po-product-<id>) in the item family "po-products", with an
 * item price in NOK at the product's UnitPrice (øre) so invoice lines can point at it. Name↔name both ways.
 */
export const F7: FlowDefinition = {
  id: "F7",
  title: "Products → Chargebee items",
  description: "Every PowerOffice product becomes a Chargebee charge item (Name↔name) with a NOK item price at its UnitPrice.",
  kind: "item",
  source: { system: "poweroffice", entity: "Product" },
  target: { system: "chargebee", entity: "item" },
  direction: "two-way",
  dependsOn: [],
  fields: FIELDS,
  fromPowerOffice: (record) => mapFields(FIELDS, record, "poweroffice"),
  fromChargebee: (record) => mapFields(FIELDS, record, "chargebee"),
  validate: (values, record) => fieldProblems(FIELDS, values, `Product ${record.sourceId}`),
  match: { by: "id" },
  create: "create",
  targetId: (record) => `po-product-${record.sourceId}`,
  deletePolicy: {
    powerofficeDeleted: "retire-in-chargebee",
    chargebeeDeleted: "unlink",
    description: "A product deleted in PowerOffice archives its Chargebee item (invoices keep pointing at it). A Chargebee delete unlinks.",
  },
  writers: {
    createInChargebee: (ctx, input) => {
      const unitPrice = typeof input.source.data.UnitPrice === "number" ? toMinorUnits(input.source.data.UnitPrice, PRODUCT_PRICE_CURRENCY) : null;
      return createChargebeeItem(ctx, {
        id: input.id,
        name: String(input.values.name),
        unitPrice: unitPrice !== null && unitPrice >= 0 ? unitPrice : 0,
        currencyCode: PRODUCT_PRICE_CURRENCY,
        idempotencyKey: input.idempotencyKey,
        businessEntityId: input.businessEntityId,
      });
    },
    updateInChargebee: (ctx, input) => updateChargebeeItem(ctx, { id: input.id, properties: toChargebeeProperties(FIELDS, input.changes) }),
    updateInPowerOffice: (ctx, input) => patchPowerOfficeRecord(ctx, input.record, toPowerOfficeProperties(FIELDS, input.changes)),
    retireInChargebee: (ctx, input) => archiveChargebeeItem(ctx, input.id),
  },
};
