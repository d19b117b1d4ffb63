// A corpus of bad input, generated into both sandboxes next to good records: text the database cannot hold (NUL,
// half a surrogate pair), control characters, values longer than Chargebee takes, invalid emails, unknown
// currencies, lines whose product is gone, negative, fractional and huge quantities and prices, VAT rates that are
// not rates, and emails that differ only in case or whitespace (good: one person). Each bad record says which
// quarantine (or unmatched) reason a person should read for it.
import type { ChargebeeSandbox } from "../../../src/connectors/chargebee/sandbox/index.js";
import type { PowerOfficeSandbox } from "../../../src/connectors/poweroffice/sandbox/index.js";

export interface BadRecord {
  system: "poweroffice" | "chargebee";
  /** Dataset entity of the record whose sync must stop (a Chargebee customer's bad text stops its PowerOffice person). */
  entity: string;
  sourceId: string;
  kind: string;
  /** What the quarantine or unmatched reason must say. */
  reason: RegExp;
}

export interface GoodPerson {
  flow: "F1" | "F2" | "F3";
  sourceId: string;
  email: string;
  firstName: string;
}

export interface Corpus {
  bad: BadRecord[];
  /** Chargebee records that match nothing: stored with their issues, never written anywhere. */
  storedOnly: Array<{ entity: string; sourceId: string }>;
  goodPeople: GoodPerson[];
  /** Folded emails shared by three roles spelled differently: one Chargebee customer each. */
  sharedEmails: string[];
  goodProducts: Array<{ sourceId: string; name: string }>;
  goodOrders: string[];
}

const LONG = (length: number, seed: string) => `${seed}${"x".repeat(Math.max(0, length - seed.length))}`;

/** Bad text in one field, and the reason it must give. */
interface TextFault {
  kind: string;
  apply(value: string): string;
  reason: RegExp;
}

const TEXT_FAULTS: TextFault[] = [
  { kind: "NUL", apply: (value) => `${value.slice(0, 2)}\u0000${value.slice(2)}`, reason: /contains a NUL character \(U\+0000\)/ },
  { kind: "lone surrogate", apply: (value) => `${value}\ud83d`, reason: /half of a UTF-16 surrogate pair \(U\+D83D\)/ },
  { kind: "low surrogate", apply: (value) => `\udc00${value}`, reason: /half of a UTF-16 surrogate pair \(U\+DC00\)/ },
  { kind: "bell", apply: (value) => `${value}\u0007`, reason: /holds a control character \(U\+0007\)/ },
  { kind: "escape", apply: (value) => `\u001b[31m${value}`, reason: /holds a control character \(U\+001B\)/ },
  { kind: "C1 control", apply: (value) => `${value}\u0085x`, reason: /holds a control character \(U\+0085\)/ },
];

interface PersonFault {
  kind: string;
  fields(n: number): { FirstName: string; LastName: string; EmailAddress: string };
  reason: RegExp;
}

function personFaults(prefix: string): PersonFault[] {
  let kinds = 0;
  const base = (n: number) => ({ FirstName: `Feil${n}`, LastName: "Person", EmailAddress: `${prefix}.bad.${kinds}.${n}@example.no` });
  const faults: PersonFault[] = [
    ...TEXT_FAULTS.map((fault) => ({
      kind: `first name: ${fault.kind}`,
      fields: (n: number) => ({ ...base(n), FirstName: fault.apply(`Feil${n}`) }),
      reason: fault.reason,
    })),
    ...TEXT_FAULTS.slice(0, 2).map((fault) => ({
      kind: `last name: ${fault.kind}`,
      fields: (n: number) => ({ ...base(n), LastName: fault.apply("Person") }),
      reason: fault.reason,
    })),
    {
      kind: "email: NUL",
      fields: (n) => ({ ...base(n), EmailAddress: `${prefix}.nul\u0000${n}@example.no` }),
      reason: /EmailAddress contains a NUL character/,
    },
    {
      kind: "first name: 151 characters",
      fields: (n) => ({ ...base(n), FirstName: LONG(151, `Lang${n}`) }),
      reason: /151 characters; Chargebee's first_name takes at most 150/,
    },
    {
      kind: "first name: 10,000 characters",
      fields: (n) => ({ ...base(n), FirstName: LONG(10_000, `Enorm${n}`) }),
      reason: /10000 characters; Chargebee's first_name takes at most 150/,
    },
    { kind: "invalid email", fields: (n) => ({ ...base(n), EmailAddress: `${prefix}.ugyldig${n}(at)example` }), reason: /invalid email address/ },
    {
      kind: "email: 71 characters",
      fields: (n) => ({ ...base(n), EmailAddress: `${LONG(60, `${prefix}.lang${n}`)}@example.no` }),
      reason: /EmailAddress is 71 characters; Chargebee's email takes at most 70/,
    },
  ];
  // Each kind its own emails, so no two bad records are one person.
  return faults.map((fault, index) => ({ ...fault, fields: (n: number) => ((kinds = index), fault.fields(n)) }));
}

/**
 * Seeds the corpus: `perKind` bad records of every kind for each person role, and fewer of the rest, next to good
 * records of every kind. Returns what each record must come to.
 */
export function seedCorpus(po: PowerOfficeSandbox, cb: ChargebeeSandbox, perKind = 20): Corpus {
  const corpus: Corpus = { bad: [], storedOnly: [], goodPeople: [], sharedEmails: [], goodProducts: [], goodOrders: [] };
  const store = po.store;
  const orders = store.all("SalesOrders");
  const orderingCompanies = [...new Set(orders.map((order) => order.CustomerId).filter((id): id is number => typeof id === "number"))];
  const company = orderingCompanies[0]!;

  // People in their three roles.
  const roles = [
    {
      flow: "F1" as const,
      entity: "ContactPerson",
      prefix: "cp",
      create: (fields: Record<string, unknown>) => store.create("ContactPersons", fields, company),
    },
    { flow: "F2" as const, entity: "Employee", prefix: "emp", create: (fields: Record<string, unknown>) => store.create("Employees", fields) },
    {
      flow: "F3" as const,
      entity: "Customer",
      prefix: "pc",
      create: (fields: Record<string, unknown>) => store.create("Customers", { ...fields, IsPerson: true }),
    },
  ];
  for (const role of roles) {
    for (const fault of personFaults(role.prefix)) {
      for (let n = 0; n < perKind; n += 1) {
        const created = role.create(fault.fields(n));
        corpus.bad.push({
          system: "poweroffice",
          entity: role.entity,
          sourceId: String(created.Id),
          kind: `${role.entity} ${fault.kind}`,
          reason: fault.reason,
        });
      }
    }
    for (let n = 0; n < 15; n += 1) {
      const email = `${role.prefix}.good.${n}@example.no`;
      const created = role.create({ FirstName: `God${n}`, LastName: role.entity, EmailAddress: email });
      corpus.goodPeople.push({ flow: role.flow, sourceId: String(created.Id), email, firstName: `God${n}` });
    }
  }
  // One person in three roles, the email spelled three ways: one Chargebee customer.
  for (let n = 0; n < 10; n += 1) {
    const folded = `same.person.${n}@example.no`;
    const spellings = [`Same.Person.${n}@Example.no`, `  same.person.${n}@example.no `, `SAME.PERSON.${n}@EXAMPLE.NO`];
    for (const [index, role] of roles.entries()) {
      const created = role.create({ FirstName: `Samme${n}`, LastName: "Person", EmailAddress: spellings[index] });
      corpus.goodPeople.push({ flow: role.flow, sourceId: String(created.Id), email: folded, firstName: `Samme${n}` });
    }
    corpus.sharedEmails.push(folded);
  }

  // Companies (business-entity links by name), departments and products.
  const organisations = [
    ...TEXT_FAULTS.map((fault) => ({ kind: fault.kind, name: (n: number) => fault.apply(`Firma ${n}`), reason: fault.reason })),
    { kind: "251 characters", name: (n: number) => LONG(251, `Firma ${n} `), reason: /No Chargebee business entity is named|takes at most 250/ },
  ];
  for (const fault of organisations) {
    for (let n = 0; n < 6; n += 1) {
      const customer = store.create("Customers", { Name: fault.name(n), EmailAddress: `firma.${fault.kind.replace(/\W/g, "")}.${n}@example.no` });
      corpus.bad.push({
        system: "poweroffice",
        entity: "Customer",
        sourceId: String(customer.Id),
        kind: `company ${fault.kind}`,
        reason: fault.reason,
      });
      const department = store.create("Departments", { Name: fault.name(n).replace("Firma", "Avdeling"), Code: `BAD${corpus.bad.length}` });
      corpus.bad.push({
        system: "poweroffice",
        entity: "Department",
        sourceId: String(department.Id),
        kind: `department ${fault.kind}`,
        reason: fault.reason,
      });
    }
  }
  const productFaults = [
    ...TEXT_FAULTS.map((fault) => ({ kind: fault.kind, name: (n: number) => fault.apply(`Vare ${n}`), reason: fault.reason })),
    { kind: "101 characters", name: (n: number) => LONG(101, `Vare ${n} `), reason: /101 characters; Chargebee's name takes at most 100/ },
    // PowerOffice takes product names of up to 400 characters.
    { kind: "400 characters", name: (n: number) => LONG(400, `Vare ${n} `), reason: /400 characters; Chargebee's name takes at most 100/ },
  ];
  for (const fault of productFaults) {
    for (let n = 0; n < 10; n += 1) {
      const product = store.create("Products", { Name: fault.name(n), Code: `BADP${corpus.bad.length}`, UnitPrice: 100 });
      corpus.bad.push({
        system: "poweroffice",
        entity: "Product",
        sourceId: String(product.Id),
        kind: `product ${fault.kind}`,
        reason: fault.reason,
      });
    }
  }
  const goodProductIds: number[] = [];
  for (let n = 0; n < 10; n += 1) {
    const product = store.create("Products", { Name: `God vare ${n}`, Code: `GOODP${n}`, UnitPrice: 50 + n });
    goodProductIds.push(Number(product.Id));
    corpus.goodProducts.push({ sourceId: String(product.Id), name: `God vare ${n}` });
  }

  // Sales orders for companies whose orders sync, each with one bad line (or a bad header) beside good lines.
  const order = (n: number, fields: Record<string, unknown>, badLine?: Record<string, unknown>) => {
    const goodLine = { ProductId: goodProductIds[n % goodProductIds.length], Quantity: 1 + (n % 3) };
    return store.create("SalesOrders", {
      CustomerId: orderingCompanies[n % orderingCompanies.length],
      CurrencyCode: "NOK",
      ...fields,
      SalesOrderLines: badLine ? [goodLine, { ProductId: goodProductIds[(n + 1) % goodProductIds.length], Quantity: 1, ...badLine }] : [goodLine],
    });
  };
  const lineOf = (created: Record<string, unknown>) => store.raw.lines.get(String(created.Id))!;
  const orderFaults: Array<{ kind: string; make(n: number): Record<string, unknown>; reason: RegExp }> = [
    { kind: "unknown currency", make: (n) => order(n, { CurrencyCode: "XQQ" }), reason: /unknown currency "XQQ"/ },
    { kind: "negative quantity", make: (n) => order(n, {}, { Quantity: -2 }), reason: /quantity -2; Chargebee invoice lines take whole quantities/ },
    { kind: "zero quantity", make: (n) => order(n, {}, { Quantity: 0 }), reason: /quantity 0; Chargebee invoice lines take whole quantities/ },
    {
      kind: "fractional quantity",
      make: (n) => order(n, {}, { Quantity: 1.25 }),
      reason: /quantity 1.25; Chargebee invoice lines take whole quantities/,
    },
    { kind: "huge quantity", make: (n) => order(n, {}, { Quantity: 5_000_000_000 }), reason: /Chargebee takes at most 2147483647/ },
    { kind: "negative price", make: (n) => order(n, {}, { ProductUnitPrice: -100 }), reason: /negative price/ },
    { kind: "huge price", make: (n) => order(n, {}, { ProductUnitPrice: 1e15, Quantity: 1000 }), reason: /too large to send exactly/ },
    { kind: "NUL in a line", make: (n) => order(n, {}, { Description: "Linje\u0000tekst" }), reason: /contains a NUL character/ },
    {
      kind: "long line text",
      make: (n) => order(n, {}, { Description: LONG(251, "Linje ") }),
      reason: /the description has 251 characters; Chargebee takes at most 250/,
    },
    {
      kind: "control character in a line",
      make: (n) => order(n, {}, { Description: "Linje\u0007" }),
      reason: /the description holds a control character \(U\+0007\)/,
    },
    {
      kind: "negative VAT rate",
      make: (n) => {
        const created = order(n, {}, {});
        lineOf(created)[1]!.VatRate = -0.25;
        return created;
      },
      reason: /VAT rate -0.25 \(-25 %\), which is not a VAT rate/,
    },
    {
      kind: "VAT rate of 150 %",
      make: (n) => {
        const created = order(n, {}, {});
        lineOf(created)[1]!.VatRate = 150;
        return created;
      },
      reason: /VAT rate 150 \(150 %\), which is not a VAT rate/,
    },
    {
      kind: "line whose product is gone",
      make: (n) => {
        const doomed = store.create("Products", { Name: `Borte ${n}`, Code: `GONE${n}`, UnitPrice: 10 });
        const created = order(n, {}, { ProductId: doomed.Id });
        store.delete("Products", Number(doomed.Id), { force: true });
        return created;
      },
      reason: /refers to Product \d+, which PowerOffice does not have/,
    },
  ];
  for (const fault of orderFaults) {
    for (let n = 0; n < 10; n += 1) {
      const created = fault.make(n);
      corpus.bad.push({
        system: "poweroffice",
        entity: "SalesOrder",
        sourceId: String(created.Id),
        kind: `sales order ${fault.kind}`,
        reason: fault.reason,
      });
    }
  }
  for (let n = 0; n < 10; n += 1) corpus.goodOrders.push(String(order(n, {}).Id));

  // Chargebee customers with text the database cannot hold: those that match a good PowerOffice person by email
  // stop that person's sync (fix it in Chargebee); the rest are stored with their issues and touch nothing.
  const admin = { source: "admin_console" as const, user: "corpus@sandbox.local", webhook: false };
  for (let n = 0; n < 20; n += 1) {
    const email = `cb.matched.${n}@example.no`;
    cb.store.createCustomer(
      { id: `cb-corpus-matched-${n}`, first_name: n % 2 === 0 ? `Nul\u0000${n}` : `Halv\ud800${n}`, last_name: "Kunde", email },
      admin,
    );
    const person = store.create("ContactPersons", { FirstName: `Match${n}`, LastName: "Kunde", EmailAddress: email }, company);
    corpus.bad.push({
      system: "poweroffice",
      entity: "ContactPerson",
      sourceId: String(person.Id),
      kind: "Chargebee customer with unstorable text, matched by email",
      reason: /Chargebee customer cb-corpus-matched-\d+: first_name contains .*correct it in Chargebee/,
    });
  }
  for (let n = 0; n < 30; n += 1) {
    const id = `cb-corpus-alone-${n}`;
    cb.store.createCustomer({ id, company: `Alene\u0000${n}`, email: `cb.alone.${n}@example.no` }, admin);
    corpus.storedOnly.push({ entity: "customer", sourceId: id });
  }
  return corpus;
}
