import type { CreationFlowDefinition } from "../model/creation-flow-definition.js";
import { createPowerOfficeRecordOnce } from "../poweroffice/writer.js";
import { fieldProblems } from "./fields.js";
import { F7 } from "./f7-products.js";

/** The item types that are products to PowerOffice. */
const PRODUCT_ITEM_TYPES = new Set(["charge", "plan", "addon"]);

/**
 * F11: a Chargebee item (charge, plan or addon) that no PowerOffice product stands for → a PowerOffice product of
 * type Service with its name, and the Chargebee item id as its Code (the key that finds it again: PowerOffice has
 * no idempotency key). A PowerOffice product with the same name and no item yet is linked instead. F7 then keeps
 * the pair in sync.
 */
export const F11: CreationFlowDefinition = {
  id: "F11",
  title: "Chargebee items → PowerOffice products",
  description:
    "Chargebee items (charges, plans, addons) not linked to anything become a PowerOffice product (type Service, Code = the item id), " +
    "unless an unlinked PowerOffice product has the same name; F7 keeps the pair in sync.",
  kind: "item",
  source: { system: "chargebee", entity: "item" },
  target: { system: "poweroffice", entity: "Product" },
  direction: "chargebee-to-poweroffice",
  dependsOn: ["F7"],
  pairedFlow: () => F7.id,
  skipReason: (record) => {
    if (record.sourceId.startsWith("po-")) return "made by this sync for a PowerOffice record";
    if (record.data.status === "archived") return "archived in Chargebee";
    const type = String(record.data.type ?? "");
    return PRODUCT_ITEM_TYPES.has(type) ? null : `an item of type ${type || "(none)"}, not a product`;
  },
  validate: (values, record) => fieldProblems(F7.fields, values, `Chargebee item ${record.sourceId}`, "chargebee"),
  matchFor: () => ({ by: "name", poweroffice: { entity: "Product", property: "Name", flow: F7.id } }),
  createInPowerOffice: (ctx, input) => {
    const code = input.source.sourceId;
    return createPowerOfficeRecordOnce(ctx, {
      entity: "Product",
      key: code,
      outbox: input.outbox,
      lookup: async () => {
        for await (const product of ctx.poweroffice.records("Products", { codes: [code] }))
          if (product.Code === code) return product as Record<string, unknown>;
        return null;
      },
      create: async () =>
        (await ctx.poweroffice.create("Products", { Name: String(input.values.name), Code: code, ProductType: "Service" })) as unknown as Record<
          string,
          unknown
        >,
    });
  },
  deletePolicy: { description: "Once created or linked, the pair follows F7's delete policy; an unlinked pair is never created again." },
};
