import { itemPriceIdFor } from "../../connectors/chargebee/index.js";
import type { DatasetRecord } from "../../datasets/types.js";
import type { FieldValue, FlowDefinition, MappedValues } from "../model/flow-definition.js";
import { cleanText, controlCharacterProblem } from "./fields.js";
import { lineMoney } from "./money.js";

/** Chargebee invoice line descriptions take at most 250 characters. */
const MAX_DESCRIPTION = 250;
/** Chargebee's quantities are 32-bit integers. */
const MAX_QUANTITY = 2_147_483_647;

/** VAT rate as the percentage in a tax profile id: 0.25 → "25", 0.125 → "12.5". */
export function vatPercent(taxRate: number): string {
  return String(Number((taxRate * 100).toFixed(4)));
}

/**
 * The item price a line is invoiced at. Chargebee takes the tax from the item price's tax profile, so a line with
 * VAT points at the item's price in that currency with the tax profile "vat-<percent>" (po-product-7-NOK-VAT25);
 * a line without VAT at the plain price (po-product-7-NOK). The tax profiles must exist on the Chargebee site.
 */
export function taxedItemPriceId(itemId: string, currencyCode: string, taxRate: number): string {
  const base = itemPriceIdFor(itemId, currencyCode);
  return taxRate > 0 ? `${base}-VAT${vatPercent(taxRate).replace(".", "_")}` : base;
}

export function taxProfileId(taxRate: number): string | undefined {
  return taxRate > 0 ? `vat-${vatPercent(taxRate)}` : undefined;
}

/** Text, summary and other lines without a product carry no amount and are not sent to Chargebee. */
export function isProductLine(line: DatasetRecord): boolean {
  const type = line.data.LineType;
  return type === undefined || type === null || type === "Normal";
}

export function lineProductId(line: DatasetRecord): string | null {
  const id = line.data.ProductId;
  return id === null || id === undefined || id === "" ? null : String(id);
}

/**
 * One PowerOffice sales order line as the values written to Chargebee (minor units, see money.ts):
 * unit_price = ProductUnitPrice in øre, amount = unit_price × Quantity less the Allowance %, tax = amount × VatRate.
 */
export function lineValues(line: DatasetRecord, currencyCode: string, itemId: string | null): MappedValues {
  const money = lineMoney({
    productUnitPrice: Number(line.data.ProductUnitPrice ?? 0),
    quantity: Number(line.data.Quantity ?? 0),
    allowancePercent: typeof line.data.Allowance === "number" ? line.data.Allowance : null,
    vatRate: typeof line.data.VatRate === "number" ? line.data.VatRate : null,
    currencyCode,
  });
  const values: Record<string, FieldValue> = {
    lineId: line.sourceId,
    productId: lineProductId(line),
    itemPriceId: itemId ? taxedItemPriceId(itemId, currencyCode, money.taxRate) : null,
    description: cleanText(line.data.Description),
    quantity: money.quantity,
    unitPrice: money.unitPrice,
    discountAmount: money.discountAmount,
    amount: money.amount,
    taxRate: money.taxRate,
    taxAmount: money.taxAmount,
  };
  return values;
}

/** Why Chargebee cannot take this line, or null. */
export function lineProblem(line: DatasetRecord, values: MappedValues, orderLabel: string): string | null {
  const label = `${orderLabel}, line ${line.sourceId}`;
  if (!values.productId) return `${label} has no product; every line sent to Chargebee needs one (set a product in PowerOffice)`;
  const quantity = Number(values.quantity);
  if (!Number.isInteger(quantity) || quantity < 1) {
    return `${label} has quantity ${quantity}; Chargebee invoice lines take whole quantities of at least 1`;
  }
  if (quantity > MAX_QUANTITY)
    return `${label} has quantity ${quantity}; Chargebee takes at most ${MAX_QUANTITY} (check the quantity in PowerOffice)`;
  if (Number(values.unitPrice) < 0 || Number(values.amount) < 0) return `${label} has a negative price; credit notes are not synced to Chargebee`;
  for (const key of ["unitPrice", "amount", "taxAmount"]) {
    if (!Number.isSafeInteger(Number(values[key]))) {
      return `${label}: its ${key === "unitPrice" ? "unit price" : key === "amount" ? "amount" : "VAT amount"} in minor units (${Number(values[key])}) is too large to send exactly; check the price and quantity in PowerOffice`;
    }
  }
  const taxRate = Number(values.taxRate);
  if (!(taxRate >= 0 && taxRate < 1)) {
    return `${label} has VAT rate ${String(line.data.VatRate)} (${Number((taxRate * 100).toFixed(4))} %), which is not a VAT rate; check the line's VAT code in PowerOffice`;
  }
  if (typeof values.description === "string") {
    if (values.description.length > MAX_DESCRIPTION)
      return `${label}: the description has ${values.description.length} characters; Chargebee takes at most ${MAX_DESCRIPTION}`;
    const control = controlCharacterProblem(values.description);
    if (control) return `${label}: the description holds ${control}; remove it in PowerOffice`;
  }
  return null;
}

/**
 * F9: sales order lines. They have no timestamp of their own and Chargebee has no free-standing line, so they are
 * processed with their order (F8): a changed line re-decides its order, and the order's invoice carries the lines.
 */
export const F9: FlowDefinition = {
  id: "F9",
  title: "Sales order lines → Chargebee order line items",
  description:
    "Each product line of a PowerOffice sales order becomes a line of the order's Chargebee invoice: unit_price = ProductUnitPrice in øre, " +
    "amount = unit_price × Quantity less the discount, tax_amount = amount × VatRate (integers, rounded half-up). PowerOffice → Chargebee only.",
  kind: "order",
  source: { system: "poweroffice", entity: "SalesOrderLine" },
  target: { system: "chargebee", entity: "order_line_item" },
  direction: "poweroffice-to-chargebee",
  dependsOn: ["F7"],
  parent: { flow: "F8" },
  fields: [],
  fromPowerOffice: (record) => lineValues(record, "NOK", null),
  fromChargebee: () => ({}),
  validate: (values, record) => lineProblem(record, values, `Sales order ${record.parentId ?? "?"}`),
  match: { by: "id" },
  create: "create",
  targetId: (record) => `${record.parentId ?? ""}/${record.sourceId}`,
  deletePolicy: {
    powerofficeDeleted: "unlink",
    chargebeeDeleted: "unlink",
    description: "Lines follow their order.",
  },
  writers: {},
};
