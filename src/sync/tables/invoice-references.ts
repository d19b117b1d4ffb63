import type { Knex } from "knex";

// What a Chargebee invoice refers to, as PowerOffice records: its customer and its lines' items, through the links
// the other flows made. These read the links and the datasets together, so they live beside those tables.

/** The PowerOffice customer a sales order for this Chargebee customer is made out to. */
export type InvoiceBuyer =
  /** A PowerOffice customer (F3, F4, F10), or the customer a linked contact person (F1) belongs to. */
  | { kind: "customer"; customerId: string; customerNo: number | null; contactPersonId: string | null }
  /** Linked, but to no PowerOffice record a sales order can be made out to (an employee; a supplier's contact). */
  | { kind: "not-a-customer"; linkedTo: string }
  | { kind: "unlinked" };

interface LinkedSide {
  entity: string;
  source_id: string;
  parent_id: string | null;
  number: string | null;
  deleted: boolean | null;
  parent_number: string | null;
  parent_live: boolean | null;
}

/**
 * The PowerOffice buyer of a Chargebee customer's invoice: the linked PowerOffice customer first, else the customer
 * of a linked contact person (who is then the order's reference contact).
 */
export async function invoiceBuyerOf(knex: Knex, chargebeeCustomerId: string): Promise<InvoiceBuyer> {
  const result = await knex.raw(
    `select lp.entity, lp.source_id, p.parent_id, p.data->>'Number' as number, p.deleted,
            c.data->>'Number' as parent_number, (c.source_id is not null and not c.deleted) as parent_live
       from links lc
       join links lp on lp.unified_id = lc.unified_id and lp.system = 'poweroffice' and lp.status <> 'deleted'
       left join dataset_records p on p.system = 'poweroffice' and p.entity = lp.entity and p.source_id = lp.source_id
       left join dataset_records c on c.system = 'poweroffice' and c.entity = 'Customer' and c.source_id = p.parent_id
      where lc.system = 'chargebee' and lc.entity = 'customer' and lc.source_id = ? and lc.status <> 'deleted'
      order by lp.entity, lp.source_id`,
    [chargebeeCustomerId],
  );
  const sides = (result.rows as LinkedSide[]).filter((side) => side.deleted !== true);
  if (sides.length === 0) return { kind: "unlinked" };
  const customer = sides.find((side) => side.entity === "Customer");
  const contact = sides.find((side) => side.entity === "ContactPerson" && side.parent_id && side.parent_live);
  if (customer) {
    return {
      kind: "customer",
      customerId: customer.source_id,
      customerNo: customer.number === null ? null : Number(customer.number),
      contactPersonId: contact && contact.parent_id === customer.source_id ? contact.source_id : null,
    };
  }
  if (contact) {
    return {
      kind: "customer",
      customerId: contact.parent_id!,
      customerNo: contact.parent_number === null ? null : Number(contact.parent_number),
      contactPersonId: contact.source_id,
    };
  }
  return { kind: "not-a-customer", linkedTo: sides.map((side) => `${side.entity} ${side.source_id}`).join(", ") };
}

/** The item of each Chargebee item price (as the datasets hold them). */
export async function itemsOfPrices(knex: Knex, priceIds: readonly string[]): Promise<Map<string, string>> {
  if (priceIds.length === 0) return new Map();
  const result = await knex.raw(
    `select source_id, data->>'item_id' as item_id from dataset_records
      where system = 'chargebee' and entity = 'item_price' and source_id = any(?::text[])`,
    [priceIds as string[]] as unknown as Knex.RawBinding[],
  );
  return new Map(
    (result.rows as Array<{ source_id: string; item_id: string | null }>).flatMap((row) => (row.item_id ? [[row.source_id, row.item_id]] : [])),
  );
}

/** The PowerOffice product linked to each Chargebee item (F7, F11), for the items that have one. */
export async function productsOfItems(knex: Knex, itemIds: readonly string[]): Promise<Map<string, string>> {
  if (itemIds.length === 0) return new Map();
  const result = await knex.raw(
    `select lc.source_id as item_id, lp.source_id as product_id
       from links lc
       join links lp on lp.unified_id = lc.unified_id and lp.system = 'poweroffice' and lp.entity = 'Product' and lp.status <> 'deleted'
       join dataset_records p on p.system = 'poweroffice' and p.entity = 'Product' and p.source_id = lp.source_id and not p.deleted
      where lc.system = 'chargebee' and lc.entity = 'item' and lc.source_id = any(?::text[]) and lc.status <> 'deleted'`,
    [itemIds as string[]] as unknown as Knex.RawBinding[],
  );
  return new Map((result.rows as Array<{ item_id: string; product_id: string }>).map((row) => [row.item_id, row.product_id]));
}
