/** The API's rules for one record: what a write must satisfy, and what keeps a record from being deleted. */
import { POWEROFFICE_RESOURCE_REGISTRY } from "../resource-registry.js";
import type { PowerOfficeResourceName } from "../types.js";
import type { Collection, Dto } from "./collection.js";
import { validationProblem } from "./errors.js";

type RecordId = number | string;

/** The parts of the store the rules read. */
export interface StoreCollections {
  readonly contactPersons: Collection<number>;
  readonly customers: Collection<number>;
  readonly employees: Collection<number>;
  readonly departments: Collection<number>;
  readonly products: Collection<number>;
  readonly salesOrders: Collection<string>;
  readonly lines: Map<string, Dto[]>;
}

const ENTITY = (resource: PowerOfficeResourceName): string => POWEROFFICE_RESOURCE_REGISTRY[resource].entity;

const EMAIL = /^[^\s@()<>,;:"[\]]+@[^\s@()<>,;:"[\]]+\.[^\s@()<>,;:"[\].]{2,}$/u;

/** The API's typo check on e-mail addresses (the GUI and imports do not apply it). */
export function isValidEmail(value: string): boolean {
  return EMAIL.test(value) && !value.includes("..");
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** Throws a 400 ProblemDetails listing every rule `dto` breaks (as the API checks a write). */
export function validateRecord(store: StoreCollections, resource: PowerOfficeResourceName, dto: Dto, id: RecordId, strictEmail: boolean): void {
  const problems: string[] = [];
  const email = (field: string) => {
    const value = str(dto[field]);
    if (strictEmail && value !== undefined && !isValidEmail(value)) problems.push(`${field} '${value}' is not a valid e-mail address.`);
  };
  const unique = (collection: Collection<RecordId>, field: string, label: string) => {
    const value = dto[field];
    if (value === undefined || value === null || value === "") return;
    const other = collection.entries().find((e) => e.dto[field] === value && e.dto.Id !== id);
    if (other) problems.push(`${field} is already in use. '${String(value)}' is used on (${label}) Id = ${String(other.dto.Id)}.`);
  };
  const exists = (collection: Collection<RecordId>, field: string, label: string) => {
    const value = dto[field];
    if (typeof value === "number" && value !== -1 && !collection.has(value)) problems.push(`${label} with id = ${value} not found (${field}).`);
  };
  switch (resource) {
    case "ContactPersons":
      if (!str(dto.FirstName)) problems.push("FirstName is required.");
      if (!str(dto.LastName)) problems.push("LastName is required.");
      email("EmailAddress");
      unique(store.contactPersons as Collection<RecordId>, "ExternalCode", "contact person");
      break;
    case "Customers": {
      if (dto.IsPerson === true) {
        if (!str(dto.FirstName) || !str(dto.LastName)) problems.push("FirstName and LastName are required when IsPerson is true.");
      } else if (!str(dto.Name)) problems.push("Name is required for a customer that is not a person.");
      const hasEmail = str(dto.EmailAddress) !== undefined || str(dto.InvoiceEmailAddress) !== undefined;
      const delivery = dto.InvoiceDeliveryType ?? "PdfByEmail";
      if (delivery === "PdfByEmail" && !hasEmail) {
        problems.push("The customer needs an e-mail address (EmailAddress or InvoiceEmailAddress) unless InvoiceDeliveryType is Print.");
      }
      email("EmailAddress");
      email("InvoiceEmailAddress");
      email("PaymentReminderEmailAddress");
      const allowance = num(dto.Allowance);
      if (allowance !== undefined && (allowance < -1000 || allowance > 100)) problems.push("Allowance must be between -1000 and 100.");
      unique(store.customers as Collection<RecordId>, "ExternalImportReference", "contact");
      unique(store.customers as Collection<RecordId>, "Number", "customer");
      unique(store.customers as Collection<RecordId>, "ExternalNumber", "customer");
      exists(store.departments as Collection<RecordId>, "DepartmentId", "Department");
      exists(store.employees as Collection<RecordId>, "SalesPersonEmployeeId", "Employee");
      break;
    }
    case "Employees":
      if (!str(dto.FirstName)) problems.push("FirstName is required.");
      if (!str(dto.LastName)) problems.push("LastName is required.");
      email("EmailAddress");
      unique(store.employees as Collection<RecordId>, "ExternalImportReference", "contact");
      unique(store.employees as Collection<RecordId>, "Number", "employee");
      exists(store.departments as Collection<RecordId>, "DepartmentId", "Department");
      exists(store.employees as Collection<RecordId>, "ManagerEmployeeId", "Employee");
      break;
    case "Departments":
      if (!str(dto.Name)) problems.push("Name is required.");
      unique(store.departments as Collection<RecordId>, "Code", "department");
      exists(store.employees as Collection<RecordId>, "ManagerEmployeeId", "Employee");
      break;
    case "Products":
      if (!str(dto.Name)) problems.push("Name is required.");
      unique(store.products as Collection<RecordId>, "Code", "product");
      break;
    case "SalesOrders": {
      const customer = typeof dto.CustomerId === "number" ? store.customers.get(dto.CustomerId) : undefined;
      if (!customer)
        problems.push(`Customer with id = ${String(dto.CustomerId ?? "(none)")} not found; a sales order needs CustomerId or CustomerNo.`);
      const reference = dto.CustomerReferenceContactPersonId;
      if (typeof reference === "number") {
        const person = store.contactPersons.get(reference);
        if (!person || person.dto.ContactId !== dto.CustomerId) {
          problems.push(`CustomerReferenceContactPersonId ${reference} is not a contact person of customer ${String(dto.CustomerId)}.`);
        }
      }
      if (dto.CurrencyCode !== undefined && dto.CurrencyCode !== null && !/^[A-Z]{3}$/.test(String(dto.CurrencyCode))) {
        problems.push(`CurrencyCode '${String(dto.CurrencyCode)}' is not an ISO 4217 code.`);
      }
      unique(store.salesOrders as Collection<RecordId>, "ExternalImportReference", "sales order");
      exists(store.departments as Collection<RecordId>, "DepartmentId", "Department");
      exists(store.employees as Collection<RecordId>, "SalesPersonEmployeeId", "Employee");
      break;
    }
  }
  if (problems.length > 0) throw validationProblem(ENTITY(resource), problems);
}

/** Why the record cannot be deleted (what refers to it), or undefined. */
export function whyInUse(store: StoreCollections, resource: PowerOfficeResourceName, id: RecordId): string | undefined {
  const referencedBy = (collection: Collection<RecordId>, fields: string[], label: string) => {
    const hit = collection.entries().find((e) => fields.some((f) => e.dto[f] === id));
    return hit ? `${label} ${String(hit.dto.SalesOrderNo ?? hit.dto.Number ?? hit.dto.Code ?? hit.dto.Id)}` : undefined;
  };
  const orders = store.salesOrders as Collection<RecordId>;
  switch (resource) {
    case "Customers":
      return referencedBy(orders, ["CustomerId"], "sales order");
    case "ContactPersons":
      return referencedBy(orders, ["CustomerReferenceContactPersonId"], "sales order");
    case "Employees":
      return (
        referencedBy(store.departments as Collection<RecordId>, ["ManagerEmployeeId"], "department") ??
        referencedBy(store.customers as Collection<RecordId>, ["SalesPersonEmployeeId"], "customer") ??
        referencedBy(orders, ["SalesPersonEmployeeId"], "sales order")
      );
    case "Departments":
      return (
        referencedBy(store.customers as Collection<RecordId>, ["DepartmentId"], "customer") ??
        referencedBy(store.employees as Collection<RecordId>, ["DepartmentId"], "employee") ??
        referencedBy(orders, ["DepartmentId"], "sales order")
      );
    case "Products":
      for (const [orderId, lines] of store.lines) {
        if (lines.some((l) => l.ProductId === id)) return `sales order ${String(store.salesOrders.get(orderId)?.dto.SalesOrderNo ?? orderId)}`;
      }
      return undefined;
    case "SalesOrders":
      return store.salesOrders.get(id as string)?.dto.SalesOrderStatus === "Confirmed" ? "its Confirmed status (set it to Draft first)" : undefined;
  }
}
