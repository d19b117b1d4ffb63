import type { FieldSpec, FlowDefinition } from "../model/flow-definition.js";
import { archiveChargebeeItem, createChargebeeItem, updateChargebeeItem } from "../chargebee/writer.js";
import { patchPowerOfficeRecord } from "../poweroffice/writer.js";
import { fieldProblems, mapFields, toChargebeeProperties, toPowerOfficeProperties } from "./fields.js";

/** Chargebee item names take at most 100 characters (PowerOffice allows 400: longer names are quarantined). */
const FIELDS: readonly FieldSpec[] = [{ key: "name", poweroffice: "Name", chargebee: "name", kind: "text", maxLength: 100, required: true }];

/**
 * F7: every PowerOffice product ↔ a Chargebee charge item (po-product-<id>) in the item family "po-products",
 * Name↔name both ways. The item prices invoice lines point at are made by F8 when an order first needs them
 * (po-product-<id>-<currency>[-VAT<percent>], at the line's own unit price).
 */
export const F7: FlowDefinition = {
  id: "F7",
  title: "Products → Chargebee items",
  description: "Every PowerOffice product becomes a Chargebee charge item (Name↔name); its item prices are made when an order needs them.",
  kind: "item",
  source: { system: "poweroffice", entity: "Product" },
  target: { system: "chargebee", entity: "item" },
  direction: "two-way",
  dependsOn: [],
  // The writer makes the item family once and reads which item prices exist.
  alsoReads: { chargebee: ["item_family", "item_price"] },
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
    createInChargebee: (ctx, input) =>
      createChargebeeItem(ctx, {
        id: input.id,
        name: String(input.values.name),
        idempotencyKey: input.idempotencyKey,
        businessEntityId: input.businessEntityId,
      }),
    updateInChargebee: (ctx, input) => updateChargebeeItem(ctx, { id: input.id, properties: toChargebeeProperties(FIELDS, input.changes) }),
    updateInPowerOffice: (ctx, input) => patchPowerOfficeRecord(ctx, input.record, toPowerOfficeProperties(FIELDS, input.changes)),
    retireInChargebee: (ctx, input) => archiveChargebeeItem(ctx, input.id),
  },
};
