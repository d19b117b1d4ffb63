import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { DatasetRecord } from "../../datasets/types.js";
import type { RelatedRecords } from "../model/flow-definition.js";
import { FLOWS } from "./index.js";

function record(entity: string, sourceId: string, data: Record<string, unknown>, parentId: string | null = null): DatasetRecord {
  const now = new Date();
  return {
    id: 0,
    system: "poweroffice",
    entity,
    sourceId,
    data,
    contentHash: "h",
    sourceChangedAt: now,
    deleted: false,
    firstSeenAt: now,
    lastSeenAt: now,
    changeSeq: 1,
    email: null,
    name: null,
    parentId,
  };
}
const none: RelatedRecords = { references: new Map(), children: [], target: null };

describe("flow mappings and quarantine reasons", () => {
  test("people map both ways; blanks read as empty", () => {
    const person = record("ContactPerson", "5", { EmailAddress: " kari@example.no ", FirstName: "Kari", LastName: "" });
    assert.deepEqual(FLOWS.F1.fromPowerOffice(person, none), { email: "kari@example.no", firstName: "Kari", lastName: null });
    const customer = { ...person, system: "chargebee" as const, data: { email: "kari@example.no", first_name: "Kari", last_name: "Nordmann" } };
    assert.deepEqual(FLOWS.F1.fromChargebee(customer), { email: "kari@example.no", firstName: "Kari", lastName: "Nordmann" });
  });

  test("invalid email, missing names and Chargebee's length limits are quarantine reasons", () => {
    const check = (data: Record<string, unknown>) =>
      FLOWS.F2.validate(FLOWS.F2.fromPowerOffice(record("Employee", "7", data), none), record("Employee", "7", data), none);
    assert.match(check({ EmailAddress: "ola@@x.no", FirstName: "Ola", LastName: "N" })!, /invalid email address "ola@@x\.no"/);
    assert.match(check({ EmailAddress: "ola@x.no", FirstName: "Ola" })!, /has no LastName/);
    assert.match(check({ FirstName: "x".repeat(151), LastName: "N" })!, /151 characters; Chargebee's first_name takes at most 150/);
    assert.match(check({ EmailAddress: `${"a".repeat(66)}@x.no`, FirstName: "A", LastName: "B" })!, /takes at most 70/);
    assert.equal(check({ EmailAddress: "ola@x.no", FirstName: "Ola", LastName: "N" }), null);
    const product = record("Product", "1", { Name: "n".repeat(101) });
    assert.match(FLOWS.F7.validate(FLOWS.F7.fromPowerOffice(product, none), product, none)!, /item name|Chargebee's name takes at most 100/);
    const company = record("Customer", "9", { Name: "c".repeat(251) });
    assert.match(FLOWS.F4.validate(FLOWS.F4.fromPowerOffice(company, none), company, none)!, /company takes at most 250/);
  });

  test("orders: unknown currency, no lines, fractional quantities are refused; lines carry money in øre", () => {
    const line = (id: string, data: Record<string, unknown>) => record("SalesOrderLine", id, { LineType: "Normal", ...data }, "o1");
    const related = (children: DatasetRecord[]): RelatedRecords => ({
      references: new Map([
        ["customer", "po-customer-9"],
        ["product:7", "po-product-7"],
      ]),
      children,
      target: null,
    });
    const order = (data: Record<string, unknown>) => record("SalesOrder", "o1", { CustomerId: 9, SalesOrderNo: 1001, ...data });
    const validate = (data: Record<string, unknown>, children: DatasetRecord[]) => {
      const values = FLOWS.F8.fromPowerOffice(order(data), related(children));
      return FLOWS.F8.validate(values, order(data), related(children));
    };
    const good = [
      line("l1", { ProductId: 7, Quantity: 2, ProductUnitPrice: 100.5, VatRate: 0.25 }),
      line("l0", { LineType: "Text", Description: "note" }),
    ];
    assert.equal(validate({ CurrencyCode: "NOK" }, good), null);
    assert.match(validate({ CurrencyCode: "XYZ" }, good)!, /unknown currency "XYZ"/);
    assert.match(validate({ CurrencyCode: "NOK" }, [])!, /no product lines/);
    assert.match(validate({}, [line("l2", { ProductId: 7, Quantity: 1.5, ProductUnitPrice: 10 })])!, /whole quantities of at least 1/);
    const values = FLOWS.F8.fromPowerOffice(order({ CurrencyCode: "NOK" }), related(good));
    assert.equal(values.customerId, "po-customer-9");
    assert.deepEqual(values.lines, [
      {
        lineId: "l1",
        productId: "7",
        itemPriceId: "po-product-7-NOK-VAT25",
        description: null,
        quantity: 2,
        unitPrice: 10050,
        discountAmount: 0,
        amount: 20100,
        taxRate: 0.25,
        taxAmount: 5025,
      },
    ]);
    assert.deepEqual([values.amount, values.taxAmount], [20100, 5025]);
  });

  test("control characters, odd VAT rates and amounts too large to send are quarantine reasons", () => {
    const person = (data: Record<string, unknown>) =>
      FLOWS.F1.validate(FLOWS.F1.fromPowerOffice(record("ContactPerson", "3", data), none), record("ContactPerson", "3", data), none);
    assert.match(
      person({ FirstName: "Be\u0007ll", LastName: "N", EmailAddress: "b@x.no" })!,
      /FirstName holds a control character \(U\+0007\) at position 3; remove it in PowerOffice/,
    );
    assert.match(person({ FirstName: "B", LastName: "Esc\u001b", EmailAddress: "b@x.no" })!, /LastName holds a control character \(U\+001B\)/);
    assert.equal(person({ FirstName: "Tab\tOk", LastName: "N", EmailAddress: "b@x.no" }), null, "a tab is text");
    const line = (data: Record<string, unknown>) => record("SalesOrderLine", "l1", { LineType: "Normal", ProductId: 7, ...data }, "o1");
    const related = (children: DatasetRecord[]): RelatedRecords => ({
      references: new Map([
        ["customer", "po-customer-9"],
        ["product:7", "po-product-7"],
      ]),
      children,
      target: null,
    });
    const order = record("SalesOrder", "o1", { CustomerId: 9, SalesOrderNo: 1002, CurrencyCode: "NOK" });
    const validate = (data: Record<string, unknown>) =>
      FLOWS.F8.validate(FLOWS.F8.fromPowerOffice(order, related([line(data)])), order, related([line(data)]));
    assert.match(validate({ Quantity: 1, ProductUnitPrice: 10, VatRate: -0.25 })!, /VAT rate -0.25 \(-25 %\), which is not a VAT rate/);
    assert.match(validate({ Quantity: 1, ProductUnitPrice: 10, VatRate: 150 })!, /VAT rate 150 \(150 %\)/);
    assert.equal(validate({ Quantity: 1, ProductUnitPrice: 10, VatRate: 25 }), null, "25 reads as 25 %");
    assert.match(
      validate({ Quantity: 10_000_000_000, ProductUnitPrice: 1, VatRate: 0.25 })!,
      /quantity 10000000000; Chargebee takes at most 2147483647/,
    );
    assert.match(validate({ Quantity: 1000, ProductUnitPrice: 1e15, VatRate: 0.25 })!, /too large to send exactly/);
    assert.match(
      validate({ Quantity: 1, ProductUnitPrice: 10, VatRate: 0.25, Description: "Bell\u0007" })!,
      /the description holds a control character \(U\+0007\)/,
    );
  });
});
