/**
 * The sandbox's data: six resources plus sales order lines, in memory, with the API's rules (validation, derived
 * read-only fields, uniqueness, records in use) and GUI-style edits for tests and demos. Every write moves
 * LastChangedDateTimeOffset to a fresh, strictly increasing microsecond timestamp.
 */
import { POWEROFFICE_RESOURCE_REGISTRY } from "../resource-registry.js";
import { PATCH_FIELDS, type ContactPersonKey, type PowerOfficeResourceName } from "../types.js";
import { SchemaValidator } from "../spec/schema-validator.js";
import { applyJsonPatch, JsonPatchError, type RawJsonPatchOperation } from "../json-patch.js";
import { MicrosecondClock, formatMicros } from "./clock.js";
import { Collection, entriesJson, entryJson, type Dto, type Entry } from "./collection.js";
import { SandboxProblem, notFound, validationProblem } from "./errors.js";
import { type QueryParams, canonicalKey, copyWritable, withoutNulls } from "./fields.js";
import { listPredicate, orderByComparator, paging } from "./list-query.js";
import { ChangeTracker } from "../../sandbox-state/index.js";
import { validateRecord, whyInUse } from "./record-rules.js";

export { isValidEmail } from "./record-rules.js";
import { SALES_ACCOUNTS } from "./norwegian-names.js";
import { SeededRandom } from "./random.js";

export type SandboxResourceName = PowerOfficeResourceName;
export type SandboxSize = "demo" | number;
type RecordId = number | string;

const ENTITY = (resource: SandboxResourceName): string => POWEROFFICE_RESOURCE_REGISTRY[resource].entity;
const DTO_SCHEMA = (resource: SandboxResourceName): string => POWEROFFICE_RESOURCE_REGISTRY[resource].dtoSchema;
const POST_SCHEMA = (resource: SandboxResourceName): string => POWEROFFICE_RESOURCE_REGISTRY[resource].postSchema;

/** First ids handed out; contacts (customers, employees) share one id space, as in PowerOffice. */
export const ID_BASE = { contact: 3_000_001, contactPerson: 5_000_001, department: 1_001, product: 70_001, address: 800_001 } as const;

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export interface ListResult {
  status: 200 | 204;
  /** The JSON array of the page (200 only). */
  json?: Buffer | string;
  count: number;
}

interface WriteOptions {
  /** API writes check e-mail addresses for typos; GUI imports do not (that is how bad data gets in). */
  strictEmail: boolean;
}

/** The store's numbering, generator and clock: what a restart needs besides the records to go on as before. */
export interface PowerOfficeStoreCounters {
  nextId: { contact: number; contactPerson: number; department: number; product: number; address: number };
  nextCustomerNumber: number;
  nextEmployeeNumber: number;
  nextSalesOrderNo: number;
  randomState: number;
  lastMicros: number;
}

export class PowerOfficeSandboxStore {
  readonly clock = new MicrosecondClock();
  /** Records changed since the state was last saved (sales order lines count as their order's). */
  readonly changes = new ChangeTracker<SandboxResourceName>();
  readonly contactPersons = new Collection<number>((id) => this.changes.mark("ContactPersons", id));
  readonly customers = new Collection<number>((id) => this.changes.mark("Customers", id));
  readonly employees = new Collection<number>((id) => this.changes.mark("Employees", id));
  readonly departments = new Collection<number>((id) => this.changes.mark("Departments", id));
  readonly products = new Collection<number>((id) => this.changes.mark("Products", id));
  readonly salesOrders = new Collection<string>((id) => this.changes.mark("SalesOrders", id));
  /** Lines per sales order id, in SortOrder. */
  readonly lines = new Map<string, Dto[]>();
  random: SeededRandom;
  private nextId: PowerOfficeStoreCounters["nextId"] = { ...ID_BASE };
  private nextCustomerNumber = 10_000;
  private nextEmployeeNumber = 1;
  private nextSalesOrderNo = 1_001;
  private readonly requestValidator = new SchemaValidator("request");

  constructor(seed: number) {
    this.random = new SeededRandom(seed);
  }

  /** Empties every collection and restarts ids and numbers (the seeder fills it again). */
  clear(seed: number): void {
    for (const collection of this.allCollections()) collection.clear();
    this.lines.clear();
    this.nextId = { ...ID_BASE };
    this.nextCustomerNumber = 10_000;
    this.nextEmployeeNumber = 1;
    this.nextSalesOrderNo = 1_001;
    this.random = new SeededRandom(seed);
  }

  counters(): PowerOfficeStoreCounters {
    return {
      nextId: { ...this.nextId },
      nextCustomerNumber: this.nextCustomerNumber,
      nextEmployeeNumber: this.nextEmployeeNumber,
      nextSalesOrderNo: this.nextSalesOrderNo,
      randomState: this.random.state,
      lastMicros: this.clock.lastIssued,
    };
  }

  restoreCounters(counters: PowerOfficeStoreCounters): void {
    this.nextId = { ...counters.nextId };
    this.nextCustomerNumber = counters.nextCustomerNumber;
    this.nextEmployeeNumber = counters.nextEmployeeNumber;
    this.nextSalesOrderNo = counters.nextSalesOrderNo;
    this.random.state = counters.randomState;
    this.clock.advancePast(counters.lastMicros);
  }

  collection(resource: SandboxResourceName): Collection<RecordId> {
    switch (resource) {
      case "ContactPersons":
        return this.contactPersons as Collection<RecordId>;
      case "Customers":
        return this.customers as Collection<RecordId>;
      case "Employees":
        return this.employees as Collection<RecordId>;
      case "Departments":
        return this.departments as Collection<RecordId>;
      case "Products":
        return this.products as Collection<RecordId>;
      case "SalesOrders":
        return this.salesOrders as Collection<RecordId>;
    }
  }

  private allCollections(): Collection<RecordId>[] {
    return (Object.keys(ENTITY) as SandboxResourceName[]).map((r) => this.collection(r));
  }

  counts(): Record<SandboxResourceName | "SalesOrderLines", number> {
    let lineCount = 0;
    for (const list of this.lines.values()) lineCount += list.length;
    return {
      ContactPersons: this.contactPersons.size,
      Customers: this.customers.size,
      Employees: this.employees.size,
      Departments: this.departments.size,
      Products: this.products.size,
      SalesOrders: this.salesOrders.size,
      SalesOrderLines: lineCount,
    };
  }

  // ---- ids --------------------------------------------------------------------------------------------------------

  allocateContactId(): number {
    return this.nextId.contact++;
  }

  private allocateId(resource: SandboxResourceName): RecordId {
    switch (resource) {
      case "Customers":
      case "Employees":
        return this.nextId.contact++;
      case "ContactPersons":
        return this.nextId.contactPerson++;
      case "Departments":
        return this.nextId.department++;
      case "Products":
        return this.nextId.product++;
      case "SalesOrders":
        return this.random.uuid();
    }
  }

  // ---- reading ----------------------------------------------------------------------------------------------------

  /** Parses an id from a URL segment: int64 for contacts and friends, UUID for sales orders. */
  parseId(resource: SandboxResourceName, text: string): RecordId {
    if (resource === "SalesOrders") {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)) {
        throw new SandboxProblem(400, "One or more validation errors occurred.", `The value '${text}' is not a valid Guid.`);
      }
      return text.toLowerCase();
    }
    if (!/^-?\d{1,18}$/.test(text)) {
      throw new SandboxProblem(400, "One or more validation errors occurred.", `The value '${text}' is not a valid Int64.`);
    }
    return Number(text);
  }

  entry(resource: SandboxResourceName, id: RecordId): Entry | undefined {
    return this.collection(resource).get(id);
  }

  private requireEntry(resource: SandboxResourceName, id: RecordId): Entry {
    const entry = this.entry(resource, id);
    if (!entry) throw notFound(ENTITY(resource), id);
    return entry;
  }

  private requireContactPerson(key: ContactPersonKey): Entry {
    const entry = this.contactPersons.get(key.id);
    if (!entry || entry.dto.ContactId !== key.contactId) throw notFound("ContactPerson", key.id);
    return entry;
  }

  /** A page of `resource` filtered like the API; 204 when the page is empty. */
  list(resource: SandboxResourceName, query: QueryParams): ListResult {
    const { pageNumber, pageSize } = paging(query);
    const predicate = listPredicate(resource, query);
    const order = orderByComparator(query, (field) => canonicalKey(DTO_SCHEMA(resource), field));
    const all = order ? [...this.collection(resource).entries()].sort(order) : this.collection(resource).entries();
    const start = (pageNumber - 1) * pageSize;
    let page: Entry[];
    if (!predicate) {
      page = all.slice(start, start + pageSize);
    } else {
      page = [];
      let matched = 0;
      for (const entry of all) {
        if (!predicate(entry)) continue;
        if (matched >= start) {
          page.push(entry);
          if (page.length === pageSize) break;
        }
        matched += 1;
      }
    }
    if (page.length === 0) return { status: 204, count: 0 };
    const fields = query.list("Fields");
    const json = fields ? JSON.stringify(page.map((e) => this.project(resource, e.dto, fields))) : entriesJson(page);
    return { status: 200, json, count: page.length };
  }

  private project(resource: SandboxResourceName, dto: Dto, fields: string[]): Dto {
    const out: Dto = {};
    for (const field of fields) {
      const key = canonicalKey(DTO_SCHEMA(resource), field);
      if (key && key in dto) out[key] = dto[key];
    }
    return out;
  }

  /** One record as the API returns it (a copy). */
  getDto(resource: SandboxResourceName, id: RecordId): Dto | undefined {
    const entry = this.entry(resource, id);
    return entry ? structuredClone(entry.dto) : undefined;
  }

  apiGet(resource: SandboxResourceName, id: RecordId, contactId?: number): Buffer {
    const entry =
      resource === "ContactPersons" ? this.requireContactPerson({ contactId: contactId!, id: id as number }) : this.requireEntry(resource, id);
    return entryJson(entry);
  }

  salesOrderComplete(id: string): Dto {
    const entry = this.requireEntry("SalesOrders", id);
    return { ...entry.dto, SalesOrderLines: this.lines.get(id) ?? [] };
  }

  listLines(orderId: string, query: QueryParams): ListResult {
    this.requireEntry("SalesOrders", orderId);
    const { pageNumber, pageSize } = paging(query);
    const all = this.lines.get(orderId) ?? [];
    const page = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    if (page.length === 0) return { status: 204, count: 0 };
    return { status: 200, json: JSON.stringify(page), count: page.length };
  }

  getLine(orderId: string, lineId: string): Dto {
    this.requireEntry("SalesOrders", orderId);
    const line = (this.lines.get(orderId) ?? []).find((l) => l.Id === lineId);
    if (!line) throw notFound("SalesOrderLine", lineId);
    return line;
  }

  // ---- API writes -------------------------------------------------------------------------------------------------

  /** POST: validates the body like the API, creates the record, returns it. */
  apiCreate(resource: SandboxResourceName, body: unknown, parentContactId?: number): Dto {
    const post = this.readBody(POST_SCHEMA(resource), ENTITY(resource), body);
    if (resource === "SalesOrders") return this.createSalesOrder(post, { strictEmail: true }, true);
    return structuredClone(this.createRecord(resource, post, { strictEmail: true }, parentContactId).dto);
  }

  /** PATCH with a JSON Patch document limited to the resource's patchable fields. */
  apiPatch(resource: SandboxResourceName, id: RecordId, operations: unknown, contactId?: number): Dto {
    const entry =
      resource === "ContactPersons" ? this.requireContactPerson({ contactId: contactId!, id: id as number }) : this.requireEntry(resource, id);
    const ops = this.readPatch(operations, PATCH_FIELDS[resource], DTO_SCHEMA(resource), ENTITY(resource));
    if (resource === "SalesOrders" && entry.dto.SalesOrderStatus === "Confirmed" && ops.some((op) => !/^\/salesorderstatus$/i.test(op.path))) {
      throw new SandboxProblem(
        400,
        "SalesOrder validation error(s)",
        "The sales order is confirmed and locked. Set SalesOrderStatus to Draft before changing it.",
      );
    }
    const patched = this.applyPatch(entry.dto, ops, DTO_SCHEMA(resource), ENTITY(resource));
    this.updateRecord(resource, entry, patched, { strictEmail: true });
    return structuredClone(entry.dto);
  }

  apiDelete(resource: SandboxResourceName, id: RecordId, contactId?: number): void {
    if (resource === "ContactPersons") this.requireContactPerson({ contactId: contactId!, id: id as number });
    this.deleteRecord(resource, id, false);
  }

  apiCreateLine(orderId: string, body: unknown): Dto {
    const order = this.requireEntry("SalesOrders", orderId);
    this.assertDraft(order);
    const post = this.readBody("SalesOrderLinePostDto", "SalesOrderLine", body);
    const lines = this.lines.get(orderId) ?? [];
    const line = this.buildLine(orderId, post, lines.length, this.customerOf(order.dto));
    lines.push(line);
    this.lines.set(orderId, lines);
    this.refreshOrderTotals(order);
    return structuredClone(line);
  }

  apiPatchLine(orderId: string, lineId: string, operations: unknown): Dto {
    const order = this.requireEntry("SalesOrders", orderId);
    const lines = this.lines.get(orderId) ?? [];
    const index = lines.findIndex((l) => l.Id === lineId);
    if (index < 0) throw notFound("SalesOrderLine", lineId);
    this.assertDraft(order);
    const ops = this.readPatch(operations, PATCH_FIELDS.SalesOrderLines, "SalesOrderLineDto", "SalesOrderLine");
    const patched = this.applyPatch(lines[index]!, ops, "SalesOrderLineDto", "SalesOrderLine");
    lines[index] = this.buildLine(orderId, copyWritable(patched, "SalesOrderLineDto"), index, this.customerOf(order.dto), lineId);
    this.refreshOrderTotals(order);
    return structuredClone(lines[index]!);
  }

  apiDeleteLine(orderId: string, lineId: string): void {
    const order = this.requireEntry("SalesOrders", orderId);
    const lines = this.lines.get(orderId) ?? [];
    const index = lines.findIndex((l) => l.Id === lineId);
    if (index < 0) throw notFound("SalesOrderLine", lineId);
    this.assertDraft(order, 409);
    lines.splice(index, 1);
    this.refreshOrderTotals(order);
  }

  private assertDraft(order: Entry, status = 400): void {
    if (order.dto.SalesOrderStatus === "Confirmed") {
      throw new SandboxProblem(
        status,
        "SalesOrder validation error(s)",
        "The sales order is confirmed and locked. Set SalesOrderStatus to Draft before changing its lines.",
      );
    }
  }

  private readBody(schemaName: string, entity: string, body: unknown): Dto {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new SandboxProblem(400, "One or more validation errors occurred.", `The request body must be a JSON object (${schemaName}).`);
    }
    const copy = structuredClone(body) as Dto;
    const check = this.requestValidator.check(schemaName, copy);
    if (!check.valid)
      throw validationProblem(
        entity,
        check.errors.map((e) => `${e}.`),
      );
    return copy;
  }

  private readPatch(operations: unknown, patchable: readonly string[], schemaName: string, entity: string): RawJsonPatchOperation[] {
    if (!Array.isArray(operations) || operations.length === 0) {
      throw new SandboxProblem(
        400,
        "One or more validation errors occurred.",
        "The request body must be a non-empty JSON Patch document (an array of operations).",
      );
    }
    const allowed = new Set(patchable.map((f) => f.toLowerCase()));
    const problems: string[] = [];
    operations.forEach((op: unknown, i) => {
      if (
        typeof op !== "object" ||
        op === null ||
        typeof (op as RawJsonPatchOperation).op !== "string" ||
        typeof (op as RawJsonPatchOperation).path !== "string"
      ) {
        problems.push(`Operation ${i} must have "op" and "path".`);
        return;
      }
      for (const pointer of [(op as RawJsonPatchOperation).path, (op as RawJsonPatchOperation).from]) {
        if (pointer === undefined) continue;
        const field = pointer.split("/")[1] ?? "";
        if (!allowed.has(field.toLowerCase())) {
          const known = canonicalKey(schemaName, field);
          problems.push(known ? `The property '${known}' can not be changed with PATCH.` : `The property '${field}' does not exist on ${entity}.`);
        }
      }
    });
    if (problems.length > 0) throw validationProblem(entity, problems);
    return operations as RawJsonPatchOperation[];
  }

  private applyPatch(dto: Dto, ops: RawJsonPatchOperation[], schemaName: string, entity: string): Dto {
    let patched: Dto;
    try {
      patched = applyJsonPatch(dto, ops, (key) => canonicalKey(schemaName, key) ?? key);
    } catch (error) {
      if (error instanceof JsonPatchError) throw validationProblem(entity, [`${error.message} (operation ${error.operationIndex}).`]);
      throw error;
    }
    const check = this.requestValidator.check(schemaName, patched);
    if (!check.valid)
      throw validationProblem(
        entity,
        check.errors.map((e) => `${e}.`),
      );
    return patched;
  }

  // ---- GUI-style operations (tests, demos, admin surface) ------------------------------------------------------------

  /**
   * Edits a record as a PowerOffice user would in the GUI: any writable field, no e-mail typo check, and
   * LastChangedDateTimeOffset moves. Field names are matched case-insensitively. Returns the new record.
   */
  guiEdit(resource: SandboxResourceName, id: RecordId, changes: Dto): Dto {
    const entry = this.requireEntry(resource, id);
    const unknown = Object.keys(changes).filter((k) => !canonicalKey(DTO_SCHEMA(resource), k));
    if (unknown.length > 0) throw validationProblem(ENTITY(resource), [`Unknown field(s): ${unknown.join(", ")}.`]);
    const merged: Dto = { ...entry.dto };
    for (const [key, value] of Object.entries(changes)) merged[canonicalKey(DTO_SCHEMA(resource), key)!] = value;
    this.updateRecord(resource, entry, merged, { strictEmail: false });
    return structuredClone(entry.dto);
  }

  /** Creates a record as a GUI user or an import would (no e-mail typo check). */
  guiCreate(resource: SandboxResourceName, fields: Dto, parentContactId?: number): Dto {
    const post = this.readBody(POST_SCHEMA(resource), ENTITY(resource), fields);
    if (resource === "SalesOrders") return this.createSalesOrder(post, { strictEmail: false }, false);
    return structuredClone(this.createRecord(resource, post, { strictEmail: false }, parentContactId).dto);
  }

  /** Deletes a record; refuses (409) when it is in use unless `force`. */
  guiDelete(resource: SandboxResourceName, id: RecordId, force = false): void {
    this.deleteRecord(resource, id, force);
  }

  // ---- shared write paths -----------------------------------------------------------------------------------------

  /** Creates a non-order record from a (validated) post body; `seed` stamps a chosen time and id. */
  createRecord(
    resource: Exclude<SandboxResourceName, "SalesOrders">,
    post: Dto,
    options: WriteOptions,
    parentContactId?: number,
    seed?: { at: number; id?: number },
  ): Entry {
    const entity = ENTITY(resource);
    if (resource === "ContactPersons") {
      const parent = parentContactId === undefined ? undefined : this.customers.get(parentContactId);
      if (!parent) throw notFound("Contact", parentContactId ?? "(none)");
      if (parent.dto.IsPerson === true) {
        throw validationProblem(entity, [
          `Contact persons can not be added to contact ${parentContactId}: the customer is a person (IsPerson = true).`,
        ]);
      }
    }
    const dto = copyWritable(post, DTO_SCHEMA(resource));
    this.resolveCodes(resource, post, dto);
    const id = seed?.id ?? this.allocateId(resource);
    const at = seed?.at ?? this.clock.next();
    const created = formatMicros(at);
    dto.Id = id;
    switch (resource) {
      case "ContactPersons":
        dto.ContactId = parentContactId;
        dto.IsActive ??= true;
        dto.IsDefault ??= false;
        dto.CreatedDateTimeOffset = created;
        if (dto.MailAddress) (dto.MailAddress as Dto).CountryCode ??= "NO";
        break;
      case "Customers": {
        const sameContact = this.employees.get(id as number);
        dto.ContactCreatedDateTimeOffset = (sameContact?.dto.ContactCreatedDateTimeOffset as string | undefined) ?? created;
        dto.CustomerCreatedDateTimeOffset = created;
        dto.IsPerson ??= false;
        dto.CurrencyCode ??= "NOK";
        dto.Number ??= this.nextCustomerNumber;
        dto.SubledgerAccountId = 9_000_000 + (dto.Number as number);
        dto.InvoiceDeliveryType ??= str(dto.EmailAddress) || str(dto.InvoiceEmailAddress) ? "PdfByEmail" : undefined;
        this.nextCustomerNumber = Math.max(this.nextCustomerNumber, (dto.Number as number) + 1);
        break;
      }
      case "Employees": {
        const sameContact = this.customers.get(id as number);
        dto.ContactCreatedDateTimeOffset = (sameContact?.dto.ContactCreatedDateTimeOffset as string | undefined) ?? created;
        dto.EmployeeCreatedDateTimeOffset = created;
        dto.Number ??= this.nextEmployeeNumber;
        dto.SubledgerAccountId = 8_000_000 + (dto.Number as number);
        this.nextEmployeeNumber = Math.max(this.nextEmployeeNumber, (dto.Number as number) + 1);
        break;
      }
      case "Departments":
        dto.IsActive ??= false;
        dto.CreatedDateTimeOffset = created;
        break;
      case "Products":
        dto.CreatedDateTimeOffset = created;
        dto.ProductType ??= "Product";
        dto.IsArchived ??= false;
        dto.IsStockItem ??= false;
        break;
    }
    this.derive(resource, dto, at);
    // Seeded records are built valid (or deliberately invalid, see seed.ts); checking uniqueness per insert would
    // make seeding 100k records quadratic.
    if (!seed) this.validate(resource, dto, id, options);
    return this.collection(resource).insert(id, withoutNulls(dto), at);
  }

  private updateRecord(resource: SandboxResourceName, entry: Entry, next: Dto, options: WriteOptions): void {
    const at = this.clock.next();
    const dto = { ...next };
    this.derive(resource, dto, at);
    this.validate(resource, dto, dto.Id as RecordId, options);
    const stored = withoutNulls(dto);
    // The spec: a customer's or employee's LastChangedDateTimeOffset excludes sub-entity changes (its address has its own).
    const addressOnly = (resource === "Customers" || resource === "Employees") && sameApartFromAddress(entry.dto, stored);
    this.collection(resource).replace(entry, stored, addressOnly ? entry.changed : at);
    if (resource === "ContactPersons" || resource === "Customers" || resource === "Employees" || resource === "Products") {
      this.refreshDependants(resource, dto.Id as number);
    }
  }

  /** Fills Id fields from the Code/Number convenience fields of a post body (the Id wins when both are sent). */
  private resolveCodes(resource: SandboxResourceName, post: Dto, dto: Dto): void {
    const departmentCode = str(post.DepartmentCode);
    if (departmentCode !== undefined && dto.DepartmentId === undefined && resource !== "Departments") {
      const department = this.departments.entries().find((e) => e.dto.Code === departmentCode);
      if (!department) throw validationProblem(ENTITY(resource), [`Department with code '${departmentCode}' not found.`]);
      dto.DepartmentId = department.dto.Id;
    }
    const employeeNo = num(post.SalesPersonEmployeeNumber) ?? num(post.ManagerEmployeeNo);
    if (employeeNo !== undefined) {
      const employee = this.employees.entries().find((e) => e.dto.Number === employeeNo);
      if (!employee) throw validationProblem(ENTITY(resource), [`Employee with number ${employeeNo} not found.`]);
      if (resource === "Customers" && dto.SalesPersonEmployeeId === undefined) dto.SalesPersonEmployeeId = employee.dto.Id;
      if ((resource === "Departments" || resource === "Employees") && dto.ManagerEmployeeId === undefined) dto.ManagerEmployeeId = employee.dto.Id;
    }
    if (resource === "Products") {
      const standard = num(post.StandardSalesAccount);
      if (standard !== undefined && dto.StandardSalesAccountId === undefined) dto.StandardSalesAccountId = SALES_ACCOUNTS[standard]?.accountId ?? -1;
      const optional = num(post.OptionalSalesAccount);
      if (optional !== undefined && dto.OptionalSalesAccountId === undefined) dto.OptionalSalesAccountId = SALES_ACCOUNTS[optional]?.accountId ?? -1;
    }
  }

  /** Recomputes the read-only fields that mirror other records. */
  private derive(resource: SandboxResourceName, dto: Dto, at: number): void {
    const departmentCode = (id: unknown) => (typeof id === "number" ? (this.departments.get(id)?.dto.Code as string | undefined) : undefined);
    const employeeNumber = (id: unknown) => (typeof id === "number" ? (this.employees.get(id)?.dto.Number as number | undefined) : undefined);
    switch (resource) {
      case "Customers":
        dto.IsActive = dto.IsArchived !== true;
        dto.DepartmentCode = departmentCode(dto.DepartmentId);
        dto.SalesPersonEmployeeNumber = employeeNumber(dto.SalesPersonEmployeeId);
        if (dto.IsPerson === true && !str(dto.Name)) dto.Name = [dto.FirstName, dto.LastName].filter((s) => str(s)).join(" ");
        this.stampAddress(dto, at);
        break;
      case "Employees":
        dto.DepartmentCode = departmentCode(dto.DepartmentId);
        dto.ManagerEmployeeNo = employeeNumber(dto.ManagerEmployeeId);
        this.stampAddress(dto, at);
        break;
      case "Departments":
        dto.ManagerEmployeeNo = employeeNumber(dto.ManagerEmployeeId);
        break;
      case "Products": {
        const standard = Object.entries(SALES_ACCOUNTS).find(([, a]) => a.accountId === dto.StandardSalesAccountId);
        if (!standard) {
          dto.StandardSalesAccountId = SALES_ACCOUNTS[3000]!.accountId;
          dto.StandardSalesAccount = 3000;
        } else dto.StandardSalesAccount = Number(standard[0]);
        const optional = Object.entries(SALES_ACCOUNTS).find(([, a]) => a.accountId === dto.OptionalSalesAccountId);
        dto.OptionalSalesAccount = optional ? Number(optional[0]) : undefined;
        dto.StockAvailable = dto.IsStockItem === true ? (num(dto.StockOnHand) ?? 0) : undefined;
        break;
      }
      case "SalesOrders":
      case "ContactPersons":
        break;
    }
  }

  private stampAddress(dto: Dto, at: number): void {
    const address = dto.MailAddress as Dto | undefined;
    if (!address) return;
    address.Id ??= this.nextId.address++;
    address.CountryCode ??= "NO";
    address.LastChangedDateTimeOffset = formatMicros(at);
  }

  private validate(resource: SandboxResourceName, dto: Dto, id: RecordId, options: WriteOptions): void {
    validateRecord(this, resource, dto, id, options.strictEmail);
  }

  // ---- sales orders -----------------------------------------------------------------------------------------------

  private customerOf(order: Dto): Dto | undefined {
    return typeof order.CustomerId === "number" ? this.customers.get(order.CustomerId)?.dto : undefined;
  }

  /** POST /SalesOrders/Complete: header and lines in one go. Returns the complete order (when seeding, its Id only). */
  createSalesOrder(post: Dto, options: WriteOptions, byIntegration: boolean, seed?: { at: number; id?: string }): Dto {
    const header = copyWritable(post, "SalesOrderDto");
    if (header.CustomerId === undefined && typeof post.CustomerNo === "number") {
      const byNumber = this.customers.entries().find((e) => e.dto.Number === post.CustomerNo);
      if (!byNumber) throw validationProblem("SalesOrder", [`Customer with number ${post.CustomerNo} not found.`]);
      header.CustomerId = byNumber.dto.Id;
    }
    this.resolveCodes("SalesOrders", post, header);
    const id = seed?.id ?? this.random.uuid();
    const at = seed?.at ?? this.clock.next();
    header.Id = id;
    header.SalesOrderNo = this.nextSalesOrderNo++;
    header.SalesOrderStatus ??= "Draft";
    header.SalesOrderDate ??= seed ? formatMicros(at).slice(0, 10) : today();
    header.CreatedDateTimeOffset = formatMicros(at);
    header.IsCreatedByCurrentIntegration = byIntegration;
    const customer = this.customerOf(header);
    header.CurrencyCode ??= (customer?.CurrencyCode as string | undefined) ?? "NOK";
    this.deriveOrder(header);
    if (!seed) this.validate("SalesOrders", header, id, options);
    const postLines = Array.isArray(post.SalesOrderLines) ? (post.SalesOrderLines as Dto[]) : [];
    const lines = postLines.map((line, index) => this.buildLine(id, line, index, customer));
    this.applyTotals(header, lines);
    this.salesOrders.insert(id, withoutNulls(header), at);
    this.lines.set(id, lines);
    return seed ? { Id: id } : structuredClone(this.salesOrderComplete(id));
  }

  private deriveOrder(header: Dto): void {
    const customer = this.customerOf(header);
    header.CustomerNo = customer?.Number as number | undefined;
    const person =
      typeof header.CustomerReferenceContactPersonId === "number" ? this.contactPersons.get(header.CustomerReferenceContactPersonId) : undefined;
    if (person) header.CustomerReference = [person.dto.FirstName, person.dto.LastName].filter((s) => str(s)).join(" ");
    header.DepartmentCode =
      typeof header.DepartmentId === "number" ? (this.departments.get(header.DepartmentId)?.dto.Code as string | undefined) : undefined;
    header.SalesPersonEmployeeNumber =
      typeof header.SalesPersonEmployeeId === "number"
        ? (this.employees.get(header.SalesPersonEmployeeId)?.dto.Number as number | undefined)
        : undefined;
  }

  /** A complete line from a post body (or a patched line): product defaults, VAT from the sales account, amounts. */
  private buildLine(orderId: string, post: Dto, index: number, customer: Dto | undefined, keepId?: string): Dto {
    const line = copyWritable(post, "SalesOrderLineDto");
    const problems: string[] = [];
    if (line.ProductId === undefined && str(post.ProductCode)) {
      const byCode = this.products.entries().find((e) => e.dto.Code === post.ProductCode);
      if (!byCode) problems.push(`Product with code '${String(post.ProductCode)}' not found.`);
      else line.ProductId = byCode.dto.Id;
    }
    const product = typeof line.ProductId === "number" ? this.products.get(line.ProductId)?.dto : undefined;
    if (typeof line.ProductId === "number" && !product) problems.push(`Product with id = ${line.ProductId} not found.`);
    if (product && num(line.Quantity) === undefined) problems.push("Quantity is required when a product is set on the line.");
    const allowance = num(line.Allowance);
    if (allowance !== undefined && (allowance < -1000 || allowance > 100)) problems.push("Allowance must be between -1000 and 100.");
    if (problems.length > 0)
      throw validationProblem(
        "SalesOrderLine",
        problems.map((p) => `Line ${index + 1}: ${p}`),
      );

    line.Id = keepId ?? this.random.uuid();
    line.SalesOrderId = orderId;
    line.LineType ??= "Normal";
    line.SortOrder ??= index;
    if (product) {
      line.ProductCode = product.Code;
      line.Description ??= product.Name;
      line.ProductUnitPrice ??= num(product.UnitPrice) ?? 0;
      line.ProductUnitCost ??= num(product.UnitCost);
      line.UnitOfMeasureCode ??= product.UnitOfMeasureCode;
      const useStandard = line.UseStandardSalesAccount ?? (customer?.IsVatFree === true ? false : true);
      const accountNo = (useStandard ? product.StandardSalesAccount : (product.OptionalSalesAccount ?? product.StandardSalesAccount)) as number;
      const account = SALES_ACCOUNTS[accountNo] ?? SALES_ACCOUNTS[3000]!;
      line.VatCode = account.vatCode;
      line.VatId = account.vatId;
      line.VatRate = account.vatRate;
    } else {
      line.ProductCode = undefined;
      line.VatRate = line.LineType === "Normal" ? 0.25 : 0;
      line.VatCode = line.LineType === "Normal" ? SALES_ACCOUNTS[3000]!.vatCode : undefined;
      line.VatId = line.LineType === "Normal" ? SALES_ACCOUNTS[3000]!.vatId : undefined;
    }
    const quantity = num(line.Quantity) ?? 0;
    const price = num(line.ProductUnitPrice) ?? 0;
    const net = round2(quantity * price * (1 - (num(line.Allowance) ?? 0) / 100));
    line.NetAmount = net;
    line.VatAmount = round2(net * (line.VatRate as number));
    line.TotalAmount = round2(net + (line.VatAmount as number));
    line.DepartmentCode =
      typeof line.DepartmentId === "number" ? (this.departments.get(line.DepartmentId)?.dto.Code as string | undefined) : undefined;
    return withoutNulls(line);
  }

  private applyTotals(header: Dto, lines: Dto[]): void {
    header.LineCount = lines.length;
    header.NetAmount = round2(lines.reduce((sum, l) => sum + ((l.NetAmount as number) ?? 0), 0));
    header.TotalAmount = round2(lines.reduce((sum, l) => sum + ((l.TotalAmount as number) ?? 0), 0));
  }

  /** A line change moves the order's LastChanged (lines have no timestamp of their own). */
  private refreshOrderTotals(order: Entry): void {
    const header = { ...order.dto };
    this.applyTotals(header, this.lines.get(header.Id as string) ?? []);
    this.salesOrders.replace(order, header, this.clock.next());
  }

  /** Keeps mirrored read-only fields (CustomerNo, CustomerReference, ProductCode, …) current after an edit. */
  private refreshDependants(resource: SandboxResourceName, id: number): void {
    if (resource === "Customers" || resource === "ContactPersons") {
      for (const order of this.salesOrders.entries()) {
        const refers = resource === "Customers" ? order.dto.CustomerId === id : order.dto.CustomerReferenceContactPersonId === id;
        if (!refers) continue;
        const header = { ...order.dto };
        this.deriveOrder(header);
        order.dto = withoutNulls(header);
        this.salesOrders.changedInPlace(order);
      }
    }
  }

  // ---- deletes ----------------------------------------------------------------------------------------------------

  /** Why the record cannot be deleted, or undefined. */
  inUse(resource: SandboxResourceName, id: RecordId): string | undefined {
    return whyInUse(this, resource, id);
  }

  private deleteRecord(resource: SandboxResourceName, id: RecordId, force: boolean): void {
    this.requireEntry(resource, id);
    const reason = force ? undefined : this.inUse(resource, id);
    if (reason) {
      throw new SandboxProblem(409, "Conflict", `${ENTITY(resource)} with id = ${String(id)} is in use (by ${reason}) and can not be deleted.`);
    }
    this.collection(resource).delete(id);
    if (resource === "SalesOrders") this.lines.delete(id as string);
    if (resource === "Customers") {
      for (const person of [...this.contactPersons.entries()]) if (person.dto.ContactId === id) this.contactPersons.delete(person.dto.Id as number);
    }
  }
}

/** Whether two versions of a record differ in nothing but their MailAddress (and the timestamps a write sets). */
function sameApartFromAddress(before: Dto, after: Dto): boolean {
  const rest = (dto: Dto) => {
    const { MailAddress: _address, LastChangedDateTimeOffset: _changed, ...others } = dto;
    return JSON.stringify(Object.entries(others).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  };
  return rest(before) === rest(after) && JSON.stringify(before.MailAddress ?? null) !== JSON.stringify(after.MailAddress ?? null);
}
