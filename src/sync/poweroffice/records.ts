import type { SourceRecordInput } from "../../datasets/types.js";

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

function idText(value: unknown): string | null {
  return typeof value === "number" || (typeof value === "string" && value !== "") ? String(value) : null;
}

/** Parses PowerOffice's DateTimeOffset (up to 7 fractional digits) to a Date, or null. */
export function parsePowerOfficeTime(value: unknown): Date | null {
  if (typeof value !== "string" || value === "") return null;
  const trimmed = value.replace(/(\.\d{3})\d+/, "$1");
  const date = new Date(trimmed);
  return Number.isNaN(date.getTime()) ? null : date;
}

function personName(data: Record<string, unknown>): string | null {
  const name = [text(data.FirstName), text(data.LastName)].filter(Boolean).join(" ");
  return name || null;
}

/**
 * One PowerOffice record (as a list, get or write returned it) as a dataset record: email (case-folded by the
 * store), a display name, the parent (a contact person's contact, a line's order) and the source change time.
 */
export function powerOfficeRecordFrom(
  entity: string,
  data: Record<string, unknown>,
  options: { parentId?: string; deleted?: boolean } = {},
): SourceRecordInput {
  const sourceId = idText(data.Id);
  if (!sourceId) throw new Error(`A PowerOffice ${entity} without an Id cannot be stored`);
  let name: string | null;
  let parentId: string | null = options.parentId ?? null;
  switch (entity) {
    case "ContactPerson":
    case "Employee":
      name = personName(data);
      if (entity === "ContactPerson") parentId = parentId ?? idText(data.ContactId);
      break;
    case "Customer":
      name = data.IsPerson === true ? (personName(data) ?? text(data.Name)) : text(data.Name);
      break;
    case "SalesOrder":
      name = idText(data.SalesOrderNo);
      break;
    case "SalesOrderLine":
      name = text(data.Description);
      parentId = parentId ?? idText(data.SalesOrderId);
      break;
    default:
      name = text(data.Name);
  }
  return {
    system: "poweroffice",
    entity,
    sourceId,
    data,
    sourceChangedAt: parsePowerOfficeTime(data.LastChangedDateTimeOffset),
    deleted: options.deleted ?? false,
    email: text(data.EmailAddress),
    name,
    parentId,
  };
}

/**
 * A complete sales order (GET or POST /SalesOrders/Complete) as the reader stores it: the header without its
 * lines, and each line as a SalesOrderLine record of the order.
 */
export function salesOrderRecordsFrom(complete: Record<string, unknown>): SourceRecordInput[] {
  const { SalesOrderLines: lines, ...header } = complete;
  const order = powerOfficeRecordFrom("SalesOrder", header);
  const lineRecords = (Array.isArray(lines) ? (lines as Array<Record<string, unknown>>) : []).map((line) =>
    powerOfficeRecordFrom("SalesOrderLine", { ...line, SalesOrderId: line.SalesOrderId ?? order.sourceId }, { parentId: order.sourceId }),
  );
  return [order, ...lineRecords];
}
