/**
 * Deterministic demo data: the same seed and size give the same records, ids and timestamps on every run.
 *
 * Size "demo": 30 customers, one item family, 8 charge items with NOK prices (VAT 25 %, 15 %, 0 %), 5 invoices with
 * orders. A number N: N customers plus N/100 items (with prices) and N/200 invoices with orders, for benchmarks.
 * Seeded records are history: they carry past timestamps and no events.
 *
 * Records that line up with the PowerOffice sandbox's demo seed (src/connectors/poweroffice/sandbox/seed.ts), so a
 * sync has something to match before it creates:
 * - customer "cb-kari-nordmann": Kari Nordmann, "Kari.Nordmann@Fjordlys-Demo.no" — the e-mail PowerOffice's
 *   contact person, employee and person customer Kari Nordmann have, in yet another casing;
 * - customer "cb-fjordlys-regnskap": company "Fjordlys Regnskap AS" (the PowerOffice company with a sales order);
 * - business entities (created the way an admin does, with events) named like PowerOffice departments and customers:
 *   "Salg", "Kundeservice", "Fjordlys Regnskap AS", and "Nordic Subscriptions Ltd" that matches nothing.
 */
import type { ChargebeeSandboxStore, SandboxRecord } from "./store.js";
import { SYSTEM_CONTEXT } from "./store.js";

export type SandboxSize = "demo" | number;

export const DEMO_BUSINESS_ENTITIES = ["Salg", "Kundeservice", "Fjordlys Regnskap AS", "Nordic Subscriptions Ltd"] as const;

export const SANDBOX_SEEDED = Object.freeze({
  kariNordmann: { id: "cb-kari-nordmann", email: "Kari.Nordmann@Fjordlys-Demo.no" },
  fjordlysRegnskap: { id: "cb-fjordlys-regnskap", company: "Fjordlys Regnskap AS" },
  itemFamilyId: "cb-general",
  /** Seeded time range: history starts here (2026-01-01T00:00:00Z). */
  historyStart: 1_767_225_600,
});

const FIRST_NAMES = [
  "Ole",
  "Ingrid",
  "Lars",
  "Silje",
  "Erik",
  "Hilde",
  "Knut",
  "Nora",
  "Håkon",
  "Sigrid",
  "Magnus",
  "Solveig",
  "Even",
  "Åse",
  "Tone",
  "Jørgen",
];
const LAST_NAMES = [
  "Hansen",
  "Johansen",
  "Olsen",
  "Larsen",
  "Andersen",
  "Pedersen",
  "Nilsen",
  "Berg",
  "Haugen",
  "Dahl",
  "Lund",
  "Strand",
  "Solberg",
  "Moen",
  "Lie",
  "Ødegård",
];
const COMPANIES = [
  "Nordkyst Media AS",
  "Vestland Rør AS",
  "Lofoten Sjømat AS",
  "Oslo Elektro AS",
  "Sogn Kraft AS",
  "Nidaros Data AS",
  "Agder Marine AS",
  "Voss Vannkraft AS",
];
/** [id, name, price in øre, tax profile] */
const ITEMS: ReadonlyArray<readonly [string, string, number, string]> = [
  ["cb-consulting-hour", "Konsulenttime", 125_000, "vat-25"],
  ["cb-support-plan", "Supportavtale, måned", 49_900, "vat-25"],
  ["cb-onboarding", "Oppstartspakke", 450_000, "vat-25"],
  ["cb-training-day", "Kursdag", 890_000, "vat-0"],
  ["cb-coffee-kg", "Kaffe, 1 kg", 18_900, "vat-15"],
  ["cb-license-user", "Brukerlisens, måned", 9_900, "vat-25"],
  ["cb-report-pack", "Rapportpakke", 79_000, "vat-25"],
  ["cb-newsletter", "Nyhetsbrev, år", 26_000, "vat-0"],
];

function mulberry32(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ascii(text: string): string {
  return text
    .toLowerCase()
    .replace(/æ/g, "ae")
    .replace(/ø/g, "o")
    .replace(/å/g, "a")
    .normalize("NFKD")
    .replace(/[^a-z0-9]/g, "");
}

export interface SeedSummary {
  customers: number;
  items: number;
  itemPrices: number;
  invoices: number;
  orders: number;
  businessEntities: number;
}

/** Fills an empty store. Business entities are created as an admin would (with events); the rest is history. */
export function seedSandbox(
  store: ChargebeeSandboxStore,
  options: { seed: number; size: SandboxSize; businessEntities?: readonly string[] },
): SeedSummary {
  const random = mulberry32(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const demo = options.size === "demo";
  const customerCount = demo ? 30 : Math.max(1, Math.floor(options.size as number));
  const itemCount = demo ? ITEMS.length : Math.max(ITEMS.length, Math.ceil(customerCount / 100));
  const invoiceCount = demo ? 5 : Math.max(1, Math.ceil(customerCount / 200));
  const start = SANDBOX_SEEDED.historyStart;

  // The site's default business entity exists from the start, as on every Chargebee site.
  store.insertSeeded("business_entity", {
    id: store.defaultBusinessEntityId,
    name: "PowerOffice Sync Demo",
    status: "active",
    created_at: start,
    updated_at: start,
    resource_version: start * 1000,
  });

  // Customers: spread over history, created in order; every 97th deleted; updated_at some days after created_at.
  const step = Math.max(1, Math.floor((200 * 86_400) / customerCount));
  const liveCustomerIds: string[] = [];
  const specials: SandboxRecord[] = [
    {
      id: SANDBOX_SEEDED.kariNordmann.id,
      first_name: "Kari",
      last_name: "Nordmann",
      email: SANDBOX_SEEDED.kariNordmann.email,
      phone: "+47 91234567",
      locale: "nb-NO",
      billing_address: {
        first_name: "Kari",
        last_name: "Nordmann",
        line1: "Storgata 12",
        city: "Bergen",
        zip: "5003",
        country: "NO",
        validation_status: "not_validated",
        object: "billing_address",
      },
    },
    {
      id: SANDBOX_SEEDED.fjordlysRegnskap.id,
      company: SANDBOX_SEEDED.fjordlysRegnskap.company,
      email: "post@fjordlys-demo.no",
      customer_type: "business",
      billing_address: {
        company: "Fjordlys Regnskap AS",
        line1: "Bryggen 7",
        city: "Bergen",
        zip: "5003",
        country: "NO",
        validation_status: "not_validated",
        object: "billing_address",
      },
    },
  ];
  for (let i = 0; i < customerCount; i += 1) {
    const created = start + i * step;
    const updated = created + Math.floor(random() * 30 * 86_400);
    let record: SandboxRecord;
    if (i < specials.length && customerCount >= specials.length) record = { ...specials[i]! };
    else {
      const first = pick(FIRST_NAMES);
      const last = pick(LAST_NAMES);
      const company = i % 5 === 0 ? pick(COMPANIES) : undefined;
      record = {
        id: `cb-cust-${String(i + 1).padStart(6, "0")}`,
        first_name: first,
        last_name: last,
        email: `${ascii(first)}.${ascii(last)}${i + 1}@example.no`,
        ...(company ? { company, customer_type: "business" } : {}),
        ...(demo ? { phone: `+47 9${String(1000000 + Math.floor(random() * 8999999))}` } : {}),
      };
    }
    record.created_at = created;
    record.updated_at = updated;
    record.resource_version = updated * 1000 + (i % 1000);
    record.business_entity_id = store.defaultBusinessEntityId;
    if (demo ? i === customerCount - 3 : i > specials.length && i % 97 === 0) record.deleted = true;
    else liveCustomerIds.push(record.id);
    store.insertSeeded("customer", record);
  }

  // Catalogue: one family, charge items, one NOK price per item.
  store.insertSeeded("item_family", {
    id: SANDBOX_SEEDED.itemFamilyId,
    name: "Generelt",
    description: "Demo catalogue",
    updated_at: start,
    resource_version: start * 1000,
  });
  const prices: Array<{ id: string; price: number }> = [];
  for (let i = 0; i < itemCount; i += 1) {
    const [id, name, price, tax] = ITEMS[i] ?? [
      `cb-item-${String(i + 1).padStart(6, "0")}`,
      `Vare ${i + 1}`,
      1_000 * (1 + Math.floor(random() * 500)),
      pick(["vat-25", "vat-15", "vat-0"]),
    ];
    const at = start + i * 60;
    store.insertSeeded("item", {
      id,
      name,
      external_name: name,
      type: "charge",
      item_family_id: SANDBOX_SEEDED.itemFamilyId,
      updated_at: at,
      resource_version: at * 1000 + 1,
    });
    const priceId = `${id}-NOK`;
    store.insertSeeded("item_price", {
      id: priceId,
      name: `${name} NOK`,
      external_name: name,
      item_id: id,
      item_family_id: SANDBOX_SEEDED.itemFamilyId,
      item_type: "charge",
      currency_code: "NOK",
      pricing_model: "per_unit",
      price,
      tax_detail: { tax_profile_id: tax },
      created_at: at,
      updated_at: at,
      resource_version: at * 1000 + 2,
    });
    prices.push({ id: priceId, price });
  }

  // Invoices with orders, written through the same rules as the API, dated in the past.
  let orders = 0;
  for (let i = 0; i < invoiceCount; i += 1) {
    const customerId = liveCustomerIds[(i * 7) % liveCustomerIds.length]!;
    const at = (start + 210 * 86_400 + i * 3_600) * 1000;
    store.asHistory(at, () => {
      const lineCount = 1 + Math.floor(random() * 3);
      const itemPrices = Array.from({ length: lineCount }, () => {
        const price = pick(prices);
        return { item_price_id: price.id, quantity: 1 + Math.floor(random() * 5), unit_price: price.price };
      });
      const invoice = store.createInvoiceForCharges(
        { customer_id: customerId, currency_code: "NOK", auto_collection: "off", net_term_days: 14, po_number: `DEMO-${1000 + i}` },
        SYSTEM_CONTEXT,
        { itemPrices, charges: [] },
      );
      store.createOrder({ invoice_id: invoice.id, id: `cb-order-${String(i + 1).padStart(5, "0")}` }, SYSTEM_CONTEXT);
      orders += 1;
    });
  }

  const entities = store.seedBusinessEntities(options.businessEntities ?? DEMO_BUSINESS_ENTITIES);
  return {
    customers: customerCount,
    items: itemCount,
    itemPrices: prices.length,
    invoices: invoiceCount,
    orders,
    businessEntities: entities.length + 1,
  };
}
