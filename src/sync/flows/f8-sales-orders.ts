import type { DatasetRecord } from "../../datasets/types.js";
import { QuarantineError } from "../model/errors.js";
import type { FieldValue, FlowDefinition, MappedValues, ReferenceSpec } from "../model/flow-definition.js";
import { createChargebeeOrder, ensureChargebeeItemPrice, existingItemPrices, type OrderLineWrite } from "../chargebee/writer.js";
import { cleanText } from "./fields.js";
import { KNOWN_CURRENCIES, roundHalfUp } from "./money.js";
import { isProductLine, lineProblem, lineProductId, lineValues, taxProfileId } from "./f9-sales-order-lines.js";

/** Chargebee order ids take at most 40 characters: "po-so-" and the UUID without its dashes (38). */
export function chargebeeOrderId(salesOrderId: string): string {
  const compact = /^[0-9a-f-]{36}$/i.test(salesOrderId) ? salesOrderId.replace(/-/g, "").toLowerCase() : salesOrderId;
  return `po-so-${compact}`.slice(0, 40);
}

function currencyOf(record: DatasetRecord): string {
  return (cleanText(record.data.CurrencyCode) ?? "NOK").toUpperCase();
}

function productLines(children: DatasetRecord[]): DatasetRecord[] {
  return children
    .filter(isProductLine)
    .sort((a, b) => Number(a.data.SortOrder ?? 0) - Number(b.data.SortOrder ?? 0) || a.sourceId.localeCompare(b.sourceId));
}

function label(record: DatasetRecord): string {
  return `Sales order ${String(record.data.SalesOrderNo ?? record.sourceId)}`;
}

/**
 * F8: a PowerOffice sales order → a Chargebee invoice carrying its lines (F9) and the order for that invoice
 * (po-so-<uuid>). The customer is the Chargebee customer linked to CustomerId (F3/F4; the order waits until it is
 * synced), the reference contact person's customer is kept as the contact. The invoice and order belong to the
 * customer's business entity (Chargebee scopes them by their customer), so no business entity header is sent.
 * PowerOffice → Chargebee only.
 */
export const F8: FlowDefinition = {
  id: "F8",
  title: "Sales orders → Chargebee invoices and orders",
  description:
    "A PowerOffice sales order becomes a Chargebee invoice with its lines and the order for it: CurrencyCode→currency_code, " +
    "CustomerId→customer_id (CustomerReferenceContactPersonId kept as the contact). PowerOffice → Chargebee only.",
  kind: "order",
  source: { system: "poweroffice", entity: "SalesOrder" },
  target: { system: "chargebee", entity: "order" },
  direction: "poweroffice-to-chargebee",
  dependsOn: ["F1", "F3", "F4", "F6", "F7"],
  children: { entity: "SalesOrderLine", flow: "F9" },
  // The sales orders F12 made for Chargebee's own invoices are not sent back as invoices.
  sourceFilter: { leaveToCreationFlows: { keyProperty: "ExternalImportReference" } },
  fields: [],
  references: (record, children) => {
    const references: ReferenceSpec[] = [];
    const customerId = record.data.CustomerId;
    if (customerId !== null && customerId !== undefined) {
      references.push({
        role: "customer",
        poweroffice: { entity: "Customer", sourceId: String(customerId) },
        chargebeeEntity: "customer",
        required: true,
        waitingFor: `its customer ${String(customerId)} (F3/F4)`,
      });
    }
    const contactId = record.data.CustomerReferenceContactPersonId;
    if (contactId !== null && contactId !== undefined) {
      references.push({
        role: "contact",
        poweroffice: { entity: "ContactPerson", sourceId: String(contactId) },
        chargebeeEntity: "customer",
        required: false,
        waitingFor: `its reference contact person ${String(contactId)} (F1)`,
      });
    }
    for (const line of productLines(children)) {
      const productId = lineProductId(line);
      if (productId) {
        references.push({
          role: `product:${productId}`,
          poweroffice: { entity: "Product", sourceId: productId },
          chargebeeEntity: "item",
          required: true,
          waitingFor: `product ${productId} of line ${line.sourceId} (F7)`,
        });
      }
    }
    return references;
  },
  fromPowerOffice: (record, related) => {
    const currencyCode = currencyOf(record);
    const lines = productLines(related.children).map((line) => {
      const productId = lineProductId(line);
      return lineValues(line, currencyCode, productId ? (related.references.get(`product:${productId}`) ?? null) : null);
    });
    const sum = (key: string) => lines.reduce((total, line) => total + Number(line[key] ?? 0), 0);
    return {
      currencyCode,
      customerId: related.references.get("customer") ?? null,
      contactCustomerId: related.references.get("contact") ?? null,
      orderDate: cleanText(record.data.SalesOrderDate),
      lines: lines as FieldValue[],
      amount: sum("amount"),
      taxAmount: sum("taxAmount"),
    };
  },
  // The sales order number people search by, and the invoice's once Chargebee made it: "10023 (invoice 17)".
  unifiedName: (source, target) => {
    const number = source.data.SalesOrderNo;
    if (number === null || number === undefined || number === "") return null;
    const invoice = cleanText(target?.data.invoice_id);
    return invoice ? `${String(number)} (invoice ${invoice})` : String(number);
  },
  fromChargebee: (record) => ({
    currencyCode: cleanText(record.data.currency_code),
    customerId: cleanText(record.data.customer_id),
  }),
  validate: (values, record, related) => {
    const currency = String(values.currencyCode ?? "");
    if (!KNOWN_CURRENCIES.has(currency)) return `${label(record)} has an unknown currency "${currency}"; use an ISO 4217 code Chargebee knows`;
    const lines = productLines(related.children);
    if (lines.length === 0) return `${label(record)} has no product lines; Chargebee needs at least one line for its invoice`;
    const lineList = values.lines as MappedValues[];
    for (const [index, line] of lines.entries()) {
      const problem = lineProblem(line, lineList[index]!, label(record));
      if (problem) return problem;
    }
    return null;
  },
  match: { by: "id" },
  create: "create",
  targetId: (record) => chargebeeOrderId(record.sourceId),
  deletePolicy: {
    powerofficeDeleted: "unlink",
    chargebeeDeleted: "unlink",
    description:
      "A sales order deleted in PowerOffice is unlinked; its Chargebee invoice and order stay (financial records are voided in Chargebee, not deleted by a sync).",
  },
  outbox: { system: "chargebee", entity: "invoice" },
  writers: {
    createInChargebee: async (ctx, input) => {
      const values = input.values;
      const related = input.related;
      const currencyCode = String(values.currencyCode);
      const lines = values.lines as MappedValues[];
      let apiCalls = 0;
      const extraRecords = [];
      // Items get a plain NOK price with F7; prices with a tax profile, or in other currencies, are made the first
      // time an order needs them (deterministic ids, so a retry finds them).
      const wanted = new Map<string, { itemId: string; taxRate: number }>();
      for (const line of lines) {
        const itemId = related.references.get(`product:${String(line.productId)}`);
        if (itemId) wanted.set(String(line.itemPriceId), { itemId, taxRate: Number(line.taxRate) });
      }
      const known = await existingItemPrices(ctx, [...wanted.keys()]);
      for (const [priceId, { itemId, taxRate }] of wanted) {
        if (known.has(priceId)) continue;
        const price = await ensureChargebeeItemPrice(ctx, {
          id: priceId,
          itemId,
          currencyCode,
          unitPrice: 0,
          name: itemId,
          taxProfileId: taxProfileId(taxRate),
        });
        apiCalls += price.apiCalls;
        extraRecords.push(...price.records);
      }
      const writes: OrderLineWrite[] = lines.map((line) => {
        const quantity = Number(line.quantity);
        const discounted = Number(line.discountAmount) !== 0;
        const description = cleanText(line.description) ?? undefined;
        return {
          itemPriceId: String(line.itemPriceId),
          quantity,
          // Chargebee charges unit_price × quantity; a discounted line is sent at its net unit price.
          unitPrice: discounted ? roundHalfUp(Number(line.amount) / quantity) : Number(line.unitPrice),
          description: discounted ? `${description ?? ""} (discount ${Number(line.discountAmount) / 100})`.trim() : description,
        };
      });
      const orderDate = typeof values.orderDate === "string" ? new Date(`${values.orderDate}T12:00:00Z`) : undefined;
      const result = await createChargebeeOrder(ctx, {
        id: input.id,
        customerId: String(values.customerId),
        currencyCode,
        lines: writes,
        invoiceDate: orderDate && !Number.isNaN(orderDate.getTime()) ? orderDate : undefined,
        businessEntityId: input.businessEntityId,
        flow: "F8",
        outbox: input.outbox,
        note: values.contactCustomerId ? `Contact: ${String(values.contactCustomerId)}` : undefined,
      });
      return { ...result, records: [...extraRecords, ...result.records], apiCalls: result.apiCalls + apiCalls };
    },
    updateInChargebee: async (_ctx, input) => {
      throw new QuarantineError(
        `Sales order ${input.source.sourceId} changed in PowerOffice (${Object.keys(input.changes).join(", ")}) after it reached Chargebee as order ${input.id}; ` +
          "Chargebee invoices cannot be edited: void the invoice in Chargebee, unlink the order, and retry it",
      );
    },
  },
};
