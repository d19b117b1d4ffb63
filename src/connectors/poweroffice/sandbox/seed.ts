/**
 * Deterministic demo data: the same seed and size give the same records, ids and timestamps on every run.
 *
 * Size "demo" is a few dozen realistic Norwegian records; a number N gives about N records across the six list
 * resources (departments 0.2 %, products 5 %, employees 5 %, customers 35 % (60 % companies), contact persons 30 %,
 * sales orders the rest, each with 1–4 lines) for benchmarks up to 100k.
 *
 * Special records, created first with FIXED ids whatever the seed and size (SANDBOX_SPECIAL_RECORDS), for sync tests:
 * - Kari Nordmann is one person in three roles with the same e-mail in different case: contact person
 *   5000001 at Fjordlys Regnskap AS ("kari.nordmann@fjordlys-demo.no"), employee 3000001
 *   ("Kari.Nordmann@fjordlys-demo.no") and person customer 3000001 ("KARI.NORDMANN@fjordlys-demo.no"; the employee
 *   and the customer share the contact id, as PowerOffice contacts do).
 * - Fjordlys Regnskap AS (customer 3000002) is a company referred to by a sales order (SPECIAL order, whose
 *   CustomerReferenceContactPersonId is Kari's contact person, with one line at each VAT rate: 25 %, 15 %, 0 %).
 * - Tromsø Turbuss AS (customer 3000003) is a company that no sales order refers to.
 * - Two records a sync must quarantine, as a GUI import lets them in although the API would refuse them:
 *   contact person 5000002 Ola Feilmann with "ola.feilmann@@tromso-turbuss.no", and person customer 3000004
 *   Per Hansen with "per.hansen(at)epost.no" (InvoiceDeliveryType Print).
 */
import type { Dto } from "./collection.js";
import {
  CITIES,
  COMPANY_STEMS,
  COMPANY_SUFFIXES,
  DEPARTMENTS,
  FIRST_NAMES,
  JOB_TITLES,
  LAST_NAMES,
  PRODUCTS,
  SALES_ACCOUNTS,
  STREETS,
} from "./norwegian-names.js";
import type { SeededRandom } from "./random.js";
import { ID_BASE, type PowerOfficeSandboxStore, type SandboxSize } from "./store.js";

export const SANDBOX_SPECIAL_RECORDS = Object.freeze({
  /** Same person, same e-mail in three casings. */
  sharedPerson: {
    email: "kari.nordmann@fjordlys-demo.no",
    contactPersonId: ID_BASE.contactPerson,
    contactPersonParentId: ID_BASE.contact + 1,
    employeeId: ID_BASE.contact,
    personCustomerId: ID_BASE.contact,
  },
  companyWithOrders: ID_BASE.contact + 1,
  companyWithoutOrders: ID_BASE.contact + 2,
  invalidEmailContactPerson: { contactId: ID_BASE.contact + 2, id: ID_BASE.contactPerson + 1 },
  invalidEmailCustomer: ID_BASE.contact + 3,
  /** The first sales order; its id is a seeded UUID, so read it from store.special.salesOrderId. */
  firstSalesOrderNo: 1001,
});

export interface SeedPlan {
  departments: number;
  products: number;
  employees: number;
  companyCustomers: number;
  personCustomers: number;
  contactPersons: number;
  salesOrders: number;
}

export function seedPlan(size: SandboxSize): SeedPlan {
  if (size === "demo") {
    return { departments: 5, products: 12, employees: 6, companyCustomers: 10, personCustomers: 6, contactPersons: 14, salesOrders: 10 };
  }
  const departments = Math.min(200, Math.max(3, Math.round(size * 0.002)));
  const products = Math.max(12, Math.round(size * 0.05));
  const employees = Math.max(3, Math.round(size * 0.05));
  const customers = Math.max(6, Math.round(size * 0.35));
  const companyCustomers = Math.max(4, Math.ceil(customers * 0.6));
  const personCustomers = Math.max(2, customers - companyCustomers);
  const contactPersons = Math.max(2, Math.round(size * 0.3));
  const salesOrders = Math.max(1, size - departments - products - employees - companyCustomers - personCustomers - contactPersons);
  return { departments, products, employees, companyCustomers, personCustomers, contactPersons, salesOrders };
}

function ascii(text: string): string {
  return text
    .toLowerCase()
    .replace(/æ/g, "ae")
    .replace(/ø/g, "o")
    .replace(/å/g, "a")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

function address(random: SeededRandom): Dto {
  const [city, zip] = random.pick(CITIES);
  return { AddressLine1: `${random.pick(STREETS)} ${random.int(1, 120)}`, City: city, ZipCode: zip, CountryCode: "NO" };
}

function phone(random: SeededRandom): string {
  return `+47 ${random.pick(["4", "9"])}${random.int(1000000, 9999999)}`;
}

function orgNumber(random: SeededRandom): string {
  return String(random.int(810000000, 999999999));
}

/** Fills an empty store. Returns the id of the special sales order. */
export function seedStore(store: PowerOfficeSandboxStore, size: SandboxSize): { specialSalesOrderId: string } {
  const random = store.random;
  const plan = seedPlan(size);
  let at = Date.UTC(2025, 0, 6, 7, 0, 0) * 1000;
  const tick = () => (at += random.int(1, 90) * 1_000_000 + random.int(0, 999_999));
  const lenient = { strictEmail: false };
  const special = SANDBOX_SPECIAL_RECORDS;

  // Departments
  const departmentIds: number[] = [];
  for (let i = 0; i < plan.departments; i += 1) {
    const [code, name] = i < DEPARTMENTS.length ? DEPARTMENTS[i]! : [String(100 * (i + 1)), `Avdeling ${i + 1}`];
    departmentIds.push(
      store.createRecord("Departments", { Code: code, Name: name, IsActive: true }, lenient, undefined, { at: tick() }).dto.Id as number,
    );
  }

  // Special people and companies (fixed ids: the contact id series starts here)
  const kari = { FirstName: "Kari", LastName: "Nordmann", PhoneNumber: "+47 91234567" };
  store.createRecord(
    "Employees",
    {
      ...kari,
      EmailAddress: "Kari.Nordmann@fjordlys-demo.no",
      JobTitle: "Regnskapsfører",
      DepartmentId: departmentIds[0],
      Gender: "Female",
      HiredDate: "2019-08-01",
      MailAddress: { AddressLine1: "Storgata 12", City: "Bergen", ZipCode: "5003" },
    },
    lenient,
    undefined,
    { at: tick(), id: store.allocateContactId() },
  );
  const fjordlys = store.createRecord(
    "Customers",
    {
      Name: "Fjordlys Regnskap AS",
      OrganizationNumber: "912345678",
      EmailAddress: "post@fjordlys-demo.no",
      InvoiceDeliveryType: "PdfByEmail",
      MailAddress: { AddressLine1: "Bryggen 7", City: "Bergen", ZipCode: "5003" },
      DepartmentId: departmentIds[1],
    },
    lenient,
    undefined,
    { at: tick(), id: store.allocateContactId() },
  ).dto.Id as number;
  const turbuss = store.createRecord(
    "Customers",
    {
      Name: "Tromsø Turbuss AS",
      OrganizationNumber: "987654321",
      EmailAddress: "faktura@tromso-turbuss.no",
      InvoiceDeliveryType: "PdfByEmail",
      MailAddress: { AddressLine1: "Havnegata 3", City: "Tromsø", ZipCode: "9008" },
    },
    lenient,
    undefined,
    { at: tick(), id: store.allocateContactId() },
  ).dto.Id as number;
  store.createRecord(
    "Customers",
    {
      IsPerson: true,
      FirstName: "Per",
      LastName: "Hansen",
      EmailAddress: "per.hansen(at)epost.no",
      InvoiceDeliveryType: "Print",
      MailAddress: { AddressLine1: "Kirkegata 4", City: "Hamar", ZipCode: "2317" },
    },
    lenient,
    undefined,
    { at: tick(), id: store.allocateContactId() },
  );
  store.createRecord(
    "Customers",
    {
      ...kari,
      IsPerson: true,
      EmailAddress: "KARI.NORDMANN@fjordlys-demo.no",
      InvoiceDeliveryType: "PdfByEmail",
      MailAddress: { AddressLine1: "Storgata 12", City: "Bergen", ZipCode: "5003" },
    },
    lenient,
    undefined,
    { at: tick(), id: special.sharedPerson.personCustomerId },
  );
  const kariContactPerson = store.createRecord(
    "ContactPersons",
    { ...kari, EmailAddress: "kari.nordmann@fjordlys-demo.no", Title: "Regnskapsfører", IsDefault: true },
    lenient,
    fjordlys,
    { at: tick() },
  ).dto.Id as number;
  store.createRecord(
    "ContactPersons",
    { FirstName: "Ola", LastName: "Feilmann", EmailAddress: "ola.feilmann@@tromso-turbuss.no", Title: "Innkjøper", IsDefault: true },
    lenient,
    turbuss,
    { at: tick() },
  );

  // Products: the named list first (every VAT rate), then generated ones
  const productIds: number[] = [];
  for (let i = 0; i < plan.products; i += 1) {
    const named = PRODUCTS[i];
    const [name, price, account, unit, type] = named ?? [
      `${random.pick(["Tjeneste", "Vare", "Abonnement", "Lisens"])} ${String(i + 1).padStart(5, "0")}`,
      random.int(49, 9999),
      random.pick([3000, 3000, 3000, 3030, 3100]),
      random.pick(["EA", "HUR", "MON"]),
      random.pick(["Product", "Service"] as const),
    ];
    productIds.push(
      store.createRecord(
        "Products",
        {
          Code: `P-${String(i + 1).padStart(5, "0")}`,
          Name: name,
          UnitPrice: price,
          UnitCost: Math.round(price * 0.6),
          UnitOfMeasureCode: unit,
          ProductType: type,
          StandardSalesAccountId: SALES_ACCOUNTS[account]!.accountId,
          OptionalSalesAccountId: SALES_ACCOUNTS[3100]!.accountId,
        },
        lenient,
        undefined,
        { at: tick() },
      ).dto.Id as number,
    );
  }

  // Employees
  const employeeIds: number[] = [special.sharedPerson.employeeId];
  for (let i = 1; i < plan.employees; i += 1) {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    employeeIds.push(
      store.createRecord(
        "Employees",
        {
          FirstName: first,
          LastName: last,
          EmailAddress: `${ascii(first)}.${ascii(last)}${i}@fjordlys-demo.no`,
          PhoneNumber: phone(random),
          JobTitle: random.pick(JOB_TITLES),
          DepartmentId: random.pick(departmentIds),
          Gender: random.pick(["Male", "Female"]),
          HiredDate: `20${random.int(10, 24)}-${String(random.int(1, 12)).padStart(2, "0")}-01`,
          MailAddress: address(random),
        },
        lenient,
        undefined,
        { at: tick(), id: store.allocateContactId() },
      ).dto.Id as number,
    );
  }

  // Company customers (2 special ones exist) and person customers (2 special ones exist)
  const companyIds: number[] = [fjordlys];
  for (let i = 2; i < plan.companyCustomers; i += 1) {
    const stem = i - 2 < COMPANY_STEMS.length ? COMPANY_STEMS[i - 2]! : `${random.pick(COMPANY_STEMS)} ${i}`;
    const name = `${stem} ${random.pick(COMPANY_SUFFIXES)}`;
    const domain = `${ascii(stem)}.no`;
    companyIds.push(
      store.createRecord(
        "Customers",
        {
          Name: name,
          LegalName: name,
          OrganizationNumber: orgNumber(random),
          EmailAddress: `post@${domain}`,
          InvoiceEmailAddress: random.chance(0.5) ? `faktura@${domain}` : undefined,
          InvoiceDeliveryType: random.chance(0.1) ? "EHF" : "PdfByEmail",
          PhoneNumber: phone(random),
          WebsiteUrl: `www.${domain}`,
          MailAddress: address(random),
          DepartmentId: random.chance(0.3) ? random.pick(departmentIds) : undefined,
          CustomerSince: `${random.int(2005, 2024)}-0${random.int(1, 9)}-15`,
        },
        lenient,
        undefined,
        { at: tick(), id: store.allocateContactId() },
      ).dto.Id as number,
    );
  }
  const personIds: number[] = [special.sharedPerson.personCustomerId];
  for (let i = 2; i < plan.personCustomers; i += 1) {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const print = random.chance(0.05);
    personIds.push(
      store.createRecord(
        "Customers",
        {
          IsPerson: true,
          FirstName: first,
          LastName: last,
          EmailAddress: print ? undefined : `${ascii(first)}.${ascii(last)}${i}@${random.pick(["epost.no", "online.no", "gmail.com"])}`,
          InvoiceDeliveryType: print ? "Print" : "PdfByEmail",
          PhoneNumber: phone(random),
          MailAddress: address(random),
        },
        lenient,
        undefined,
        { at: tick(), id: store.allocateContactId() },
      ).dto.Id as number,
    );
  }

  // Contact persons at company customers (2 special ones exist)
  const contactPersonsByCompany = new Map<number, number[]>([[fjordlys, [kariContactPerson]]]);
  for (let i = 2; i < plan.contactPersons; i += 1) {
    const company = i - 2 < companyIds.length ? companyIds[i - 2]! : random.pick(companyIds);
    const domain = ascii(String(store.customers.get(company)!.dto.Name).replace(/ (AS|ASA|ANS|DA)$/, ""));
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const known = contactPersonsByCompany.get(company) ?? [];
    const id = store.createRecord(
      "ContactPersons",
      {
        FirstName: first,
        LastName: last,
        EmailAddress: `${ascii(first)}.${ascii(last)}${i}@${domain}.no`,
        PhoneNumber: phone(random),
        Title: random.pick(JOB_TITLES),
        IsDefault: known.length === 0,
      },
      lenient,
      company,
      { at: tick() },
    ).dto.Id as number;
    contactPersonsByCompany.set(company, [...known, id]);
  }

  // Sales orders: the special one first, then random ones (never for Tromsø Turbuss)
  const specialOrder = store.createSalesOrder(
    {
      CustomerId: fjordlys,
      CustomerReferenceContactPersonId: kariContactPerson,
      DepartmentId: departmentIds[1],
      SalesPersonEmployeeId: special.sharedPerson.employeeId,
      PurchaseOrderReference: "PO-2025-001",
      SalesOrderLines: [
        { ProductId: productIds[0], Quantity: 10, Description: "Regnskapsføring januar" },
        { ProductId: productIds[6], Quantity: 4 },
        { ProductId: productIds[5], Quantity: 1, Allowance: 10 },
      ],
    },
    lenient,
    false,
    { at: tick() },
  );
  const customers = [...companyIds, ...personIds];
  for (let i = 1; i < plan.salesOrders; i += 1) {
    const customerId = random.pick(customers);
    const people = contactPersonsByCompany.get(customerId);
    const lineCount = random.int(1, 4);
    const lines: Dto[] = [];
    for (let l = 0; l < lineCount; l += 1) {
      lines.push({
        ProductId: random.pick(productIds),
        Quantity: random.int(1, 20),
        Allowance: random.chance(0.15) ? random.pick([5, 10, 15]) : undefined,
      });
    }
    store.createSalesOrder(
      {
        CustomerId: customerId,
        CustomerReferenceContactPersonId: people && random.chance(0.7) ? random.pick(people) : undefined,
        SalesOrderStatus: random.chance(0.2) ? "Confirmed" : "Draft",
        DepartmentId: random.chance(0.4) ? random.pick(departmentIds) : undefined,
        SalesPersonEmployeeId: random.chance(0.3) ? random.pick(employeeIds) : undefined,
        DeliveryDate: random.chance(0.5) ? `2025-0${random.int(2, 9)}-${String(random.int(1, 28)).padStart(2, "0")}` : undefined,
        SalesOrderLines: lines,
      },
      lenient,
      false,
      { at: tick() },
    );
  }

  store.clock.advancePast(at);
  return { specialSalesOrderId: specialOrder.Id as string };
}
