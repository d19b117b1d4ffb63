import type { Invoice } from "../../connectors/chargebee/index.js";
import type { SalesOrderCompletePost } from "../../connectors/poweroffice/index.js";
import type { DatasetRecord } from "../../datasets/types.js";
import type { CreationFlowDefinition } from "../model/creation-flow-definition.js";
import { QuarantineError, WaitingError } from "../model/errors.js";
import type { FieldValue, MappedValues } from "../model/flow-definition.js";
import type { SyncContext } from "../model/types.js";
import { createPowerOfficeRecordOnce } from "../poweroffice/writer.js";
import { salesOrderRecordsFrom } from "../poweroffice/records.js";
import { invoiceBuyerOf, itemsOfPrices, productsOfItems } from "../tables/invoice-references.js";
import { cleanText, controlCharacterProblem } from "./fields.js";
import { KNOWN_CURRENCIES, minorUnitFactor, roundHalfUp } from "./money.js";

type InvoiceLine = NonNullable<Invoice["line_items"]>[number];

/** The prefix of the references our own invoices carry (F8: po_number = the order id po-so-…). */
const OUR_REFERENCE = "po-so-";
/** Line types whose entity_id is an item price; the item is that price's item_id. */
const ITEM_PRICE_LINES = new Set(["plan_item_price", "addon_item_price", "charge_item_price"]);
/** Product catalog 1.0 line types whose entity_id is the plan or addon itself (an item id once migrated). */
const ITEM_LINES = new Set(["plan", "addon", "plan_setup"]);
/** Decimals of the allowance percentage sent to PowerOffice. */
const ALLOWANCE_DECIMALS = 6;

function invoiceLines(record: DatasetRecord): InvoiceLine[] {
  const lines = record.data.line_items;
  return Array.isArray(lines) ? (lines as InvoiceLine[]) : [];
}

function label(record: DatasetRecord): string {
  return `Chargebee invoice ${record.sourceId}`;
}

/** The invoice's day (Chargebee dates are Unix seconds) as PowerOffice takes a date: YYYY-MM-DD, UTC. */
function invoiceDay(record: DatasetRecord): string | null {
  const seconds = Number(record.data.date);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString().slice(0, 10) : null;
}

/** The item a line bills, or null for an ad-hoc charge. */
function lineItemPrice(line: InvoiceLine): { priceId: string } | { itemId: string } | null {
  const type = String(line.entity_type ?? "");
  const id = cleanText(line.entity_id);
  if (!id) return null;
  if (ITEM_PRICE_LINES.has(type)) return { priceId: id };
  if (ITEM_LINES.has(type)) return { itemId: id };
  return null;
}

/**
 * One invoice line as a PowerOffice sales order line, with amounts to the øre: quantity × unit price less the
 * allowance when that gives Chargebee's amount exactly, else one unit at the line's net amount (tiered prices,
 * discounts no percentage expresses), with the quantity kept in the description.
 */
function lineValues(line: InvoiceLine, productId: string, itemId: string, currencyCode: string, position: number): MappedValues {
  const factor = minorUnitFactor(currencyCode);
  const quantity = Number(line.quantity ?? 1);
  const unitAmount = Number(line.unit_amount ?? 0);
  const amount = Number(line.amount ?? unitAmount * quantity);
  // discount_amount is the line's whole discount (item_level_discount_amount is the part given on the line itself).
  const discount = Number(line.discount_amount ?? line.item_level_discount_amount ?? 0);
  const net = amount - discount;
  const description = cleanText(line.description);
  const allowance = amount > 0 && discount > 0 ? Number(((discount / amount) * 100).toFixed(ALLOWANCE_DECIMALS)) : 0;
  // PowerOffice's own rounding of the line (two decimals), in minor units.
  const netByPowerOffice = roundHalfUp(((quantity * unitAmount) / factor) * (1 - allowance / 100) * 100) * (factor / 100);
  const exact = unitAmount * quantity === amount && Math.abs(netByPowerOffice - net) < 1e-9;
  const taxRate = Number(line.tax_rate ?? 0) / 100;
  const values: Record<string, FieldValue> = {
    lineId: String(line.id ?? position),
    itemId,
    productId,
    taxRate,
    netAmount: net,
  };
  if (exact) {
    Object.assign(values, { quantity, unitPrice: unitAmount / factor, allowance, description });
  } else {
    const note = `quantity ${quantity}${discount > 0 ? `, discount ${discount / factor} ${currencyCode}` : ""}`;
    Object.assign(values, { quantity: 1, unitPrice: net / factor, allowance: 0, description: `${description ?? itemId} (${note})` });
  }
  return values;
}

/**
 * F12: an invoice Chargebee raised itself (a subscription renewal, a one-off charge) for a customer that is linked
 * to PowerOffice → a PowerOffice sales order (a Draft, for the accountant to send) with its lines: currency, customer
 * (the linked customer, or the customer of a linked contact person, who is then the order's reference), one line per
 * invoice line with the product linked to the line's item (F7, F11), quantity, unit price in kroner from øre, the
 * discount as an allowance, and the sales account chosen by the line's tax (PowerOffice takes VAT from the account,
 * never from the order: a rate that comes out different is reported). ExternalImportReference holds the invoice id,
 * which finds the order again after a crash (PowerOffice has no idempotency key). Invoices we made (F8) never come
 * back; the pair is linked under F12 and is not written again (neither side's document is edited after).
 */
export const F12: CreationFlowDefinition = {
  id: "F12",
  title: "Chargebee invoices → PowerOffice sales orders",
  description:
    "Invoices Chargebee raised itself (renewals, one-off charges) for a customer linked to PowerOffice become a Draft sales order with their lines: " +
    "currency_code→CurrencyCode, the linked customer→CustomerId, each line's item→ProductId, quantity→Quantity, unit_amount/100→ProductUnitPrice, " +
    "discount→Allowance, tax_rate→the product's standard (taxed) or optional (untaxed) sales account; ExternalImportReference = the invoice id. " +
    "Invoices made by F8 are never carried back. Chargebee → PowerOffice only, once per invoice.",
  kind: "order",
  source: { system: "chargebee", entity: "invoice" },
  target: { system: "poweroffice", entity: "SalesOrder" },
  direction: "chargebee-to-poweroffice",
  dependsOn: ["F1", "F3", "F4", "F7", "F10", "F11"],
  alsoReads: { chargebee: ["customer", "item", "item_price"], poweroffice: ["Customer", "ContactPerson", "Product"] },
  skipReason: (record, settings) => {
    const reference = cleanText(record.data.po_number) ?? "";
    const orders = Array.isArray(record.data.linked_orders) ? (record.data.linked_orders as Array<{ order_id?: unknown; id?: unknown }>) : [];
    if (reference.startsWith(OUR_REFERENCE) || orders.some((order) => String(order.order_id ?? order.id ?? "").startsWith(OUR_REFERENCE))) {
      return "made by this sync for a PowerOffice sales order";
    }
    const status = String(record.data.status ?? "");
    if (status === "voided") return "voided in Chargebee";
    if (status === "pending") return "pending in Chargebee (not closed yet); it is carried when Chargebee closes it";
    const day = invoiceDay(record);
    if (settings?.invoicesFrom && day && day < settings.invoicesFrom) return `dated ${day}, before SYNC_INVOICES_FROM=${settings.invoicesFrom}`;
    return null;
  },
  matchFor: () => ({ by: "none" }),
  values: async (ctx: SyncContext, record: DatasetRecord) => {
    const customerId = cleanText(record.data.customer_id);
    if (!customerId) throw new QuarantineError(`${label(record)} has no customer`);
    const buyer = await invoiceBuyerOf(ctx.knex, customerId);
    if (buyer.kind === "unlinked") throw new WaitingError(`waiting for its customer ${customerId} to be linked to PowerOffice (F10, F1–F4)`);
    if (buyer.kind === "not-a-customer") {
      throw new QuarantineError(
        `${label(record)} is for Chargebee customer ${customerId}, who is linked to PowerOffice ${buyer.linkedTo} and to no PowerOffice customer; ` +
          "a sales order needs a customer: make the person a customer in PowerOffice (or link the Chargebee customer to one), then retry the invoice",
      );
    }
    const currencyCode = (cleanText(record.data.currency_code) ?? "NOK").toUpperCase();
    const lines = invoiceLines(record);
    const references = lines.map(lineItemPrice);
    const prices = await itemsOfPrices(
      ctx.knex,
      references.flatMap((reference) => (reference && "priceId" in reference ? [reference.priceId] : [])),
    );
    const itemOf = (reference: ReturnType<typeof lineItemPrice>) =>
      reference === null ? null : "itemId" in reference ? reference.itemId : (prices.get(reference.priceId) ?? null);
    const products = await productsOfItems(ctx.knex, [...new Set(references.map(itemOf).filter((id): id is string => id !== null))]);
    const lineValueList: MappedValues[] = [];
    for (const [index, line] of lines.entries()) {
      const reference = references[index]!;
      const where = `${label(record)}, line ${String(line.id ?? index + 1)}`;
      if (!reference) {
        throw new QuarantineError(
          `${where} is an ad-hoc charge ("${cleanText(line.description) ?? ""}") with no item, and every PowerOffice sales order line needs a product ` +
            "(it decides the sales account and the VAT): enter this invoice in PowerOffice by hand, then mark the record resolved",
        );
      }
      const itemId = itemOf(reference);
      if (!itemId) throw new WaitingError(`waiting for item price ${"priceId" in reference ? reference.priceId : ""} of ${where} to be read`);
      const productId = products.get(itemId);
      if (!productId) throw new WaitingError(`waiting for item ${itemId} of ${where} to be linked to a PowerOffice product (F7, F11)`);
      lineValueList.push(lineValues(line, productId, itemId, currencyCode, index + 1));
    }
    return {
      invoiceId: record.sourceId,
      customerId: buyer.customerId,
      customerNo: buyer.customerNo,
      contactPersonId: buyer.contactPersonId,
      currencyCode,
      orderDate: invoiceDay(record),
      lines: lineValueList as FieldValue[],
      netAmount: lineValueList.reduce((sum, line) => sum + Number(line.netAmount), 0),
    };
  },
  validate: (values, record) => {
    const currency = String(values.currencyCode ?? "");
    if (!KNOWN_CURRENCIES.has(currency)) return `${label(record)} has an unknown currency "${currency}"`;
    const lines = values.lines as MappedValues[];
    if (lines.length === 0) return `${label(record)} has no lines; a PowerOffice sales order needs at least one`;
    for (const line of lines) {
      const where = `${label(record)}, line ${String(line.lineId)}`;
      if (Number(line.netAmount) < 0) return `${where} has a negative amount; credits are not carried to PowerOffice (enter a credit note there)`;
      if (!(Number(line.quantity) > 0))
        return `${where} has quantity ${String(line.quantity)}; PowerOffice sales order lines need a positive quantity`;
      if (typeof line.description === "string") {
        const control = controlCharacterProblem(line.description);
        if (control) return `${where}: the description holds ${control}; correct it in Chargebee`;
      }
    }
    return null;
  },
  createInPowerOffice: async (ctx, input) => {
    const key = input.source.sourceId;
    const values = input.values;
    const lines = values.lines as MappedValues[];
    const body: SalesOrderCompletePost = {
      CustomerId: Number(values.customerId),
      CurrencyCode: String(values.currencyCode),
      ExternalImportReference: key,
      PurchaseOrderReference: `Chargebee invoice ${key}`,
      ...(values.orderDate ? { SalesOrderDate: String(values.orderDate) } : {}),
      ...(values.contactPersonId ? { CustomerReferenceContactPersonId: Number(values.contactPersonId) } : {}),
      SalesOrderLines: lines.map((line, index) => ({
        LineType: "Normal",
        ProductId: Number(line.productId),
        Quantity: Number(line.quantity),
        ProductUnitPrice: Number(line.unitPrice),
        ...(Number(line.allowance) > 0 ? { Allowance: Number(line.allowance) } : {}),
        ...(typeof line.description === "string" ? { Description: line.description } : {}),
        // PowerOffice takes VAT from the sales account: the standard (taxed) one for a taxed line, the optional
        // (typically VAT-exempt) one for an untaxed line.
        UseStandardSalesAccount: Number(line.taxRate) > 0,
        SortOrder: index,
      })),
    } as SalesOrderCompletePost;
    const result = await createPowerOfficeRecordOnce(ctx, {
      entity: "SalesOrder",
      key,
      outbox: input.outbox,
      lookupExtraCalls: 1,
      lookup: async () => {
        const narrow = typeof values.customerNo === "number" ? { customerNo: values.customerNo } : {};
        const [found] = await ctx.poweroffice.findSalesOrdersByExternalImportReference(key, narrow);
        return found ? ((await ctx.poweroffice.getSalesOrderComplete(String(found.Id))) as unknown as Record<string, unknown>) : null;
      },
      create: async () => (await ctx.poweroffice.create("SalesOrders", body)) as unknown as Record<string, unknown>,
      toRecords: salesOrderRecordsFrom,
    });
    return { ...result, warnings: vatDifferences(key, lines, result.records) };
  },
  unifiedName: (source, target) => {
    const number = target.data.SalesOrderNo;
    return number === null || number === undefined || number === "" ? null : `${String(number)} (invoice ${source.sourceId})`;
  },
  deletePolicy: {
    description:
      "The sales order is made once: an invoice voided or deleted in Chargebee, or an order deleted in PowerOffice, is not written again (void or delete the other by hand).",
  },
};

/** The lines whose VAT rate in PowerOffice (from the product's sales account) is not the rate Chargebee charged. */
function vatDifferences(
  invoiceId: string,
  lines: MappedValues[],
  records: ReadonlyArray<{ entity: string; data: Record<string, unknown> }>,
): string[] {
  const made = records
    .filter((record) => record.entity === "SalesOrderLine")
    .sort((a, b) => Number(a.data.SortOrder ?? 0) - Number(b.data.SortOrder ?? 0));
  const warnings: string[] = [];
  for (const [index, line] of lines.entries()) {
    const rate = made[index]?.data.VatRate;
    if (typeof rate !== "number" || Math.abs(rate - Number(line.taxRate)) < 1e-6) continue;
    warnings.push(
      `The sales order for Chargebee invoice ${invoiceId}, line ${String(line.lineId)}: PowerOffice gives VAT ${Number((rate * 100).toFixed(4))} % ` +
        `(product ${String(line.productId)}'s sales account) where Chargebee charged ${Number((Number(line.taxRate) * 100).toFixed(4))} %; check the draft before it is sent`,
    );
  }
  return warnings;
}
