import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { columnsToRows, FormError, parseBracketParams } from "./form.js";
import { bodySchema, CoercionError, parseBody } from "./schemas.js";

const parse = (query: string) => parseBracketParams(new URLSearchParams(query).entries());

describe("bracket notation", () => {
  test("nested objects, scalar arrays and index-last arrays of objects", () => {
    assert.deepEqual(parse("billing_address[line1]=Gate%201&billing_address[city]=Oslo"), { billing_address: { line1: "Gate 1", city: "Oslo" } });
    assert.deepEqual(parse("coupon_ids[0]=a&coupon_ids[1]=b"), { coupon_ids: ["a", "b"] });
    assert.deepEqual(parse("item_prices[unit_price][0]=150000&item_prices[quantity][0]=2&item_prices[unit_price][1]=5"), {
      item_prices: { unit_price: ["150000", "5"], quantity: ["2"] },
    });
    assert.deepEqual(parse("updated_at[between]=[1,2]&sort_by[asc]=created_at"), {
      updated_at: { between: "[1,2]" },
      sort_by: { asc: "created_at" },
    });
  });

  test("columns become rows", () => {
    assert.deepEqual(columnsToRows({ item_price_id: ["a", "b"], quantity: [2] }), [{ item_price_id: "a", quantity: 2 }, { item_price_id: "b" }]);
    assert.deepEqual(columnsToRows(undefined), []);
  });

  test("malformed names are refused with the parameter named", () => {
    assert.throws(
      () => parse("a[b=1"),
      (error: unknown) => error instanceof FormError && error.param === "a[b",
    );
    assert.throws(() => parse("a=1&a[b]=2"), FormError);
  });
});

describe("bodies checked against the SDK's schemas", () => {
  test("strings become the numbers, booleans and JSON the schema describes", () => {
    const body = parseBody(
      parse("id=po-1&net_term_days=14&allow_direct_debit=true&meta_data=%7B%22po%22%3A1%7D&first_name=123"),
      bodySchema("customer", "CreateCustomerBodySchema"),
    );
    assert.equal(body.net_term_days, 14);
    assert.equal(body.allow_direct_debit, true);
    assert.deepEqual(body.meta_data, { po: 1 });
    assert.equal(body.first_name, "123", "a digit string stays a string where the schema says string");
    const invoice = parseBody(
      parse("customer_id=c&item_prices[item_price_id][0]=p&item_prices[quantity][0]=3&item_prices[unit_price][0]=100"),
      bodySchema("invoice", "CreateForChargeItemsAndChargesInvoiceBodySchema"),
    );
    assert.deepEqual(invoice.item_prices, { item_price_id: ["p"], quantity: [3], unit_price: [100] });
  });

  test("violations name the parameter in bracket notation", () => {
    assert.throws(
      () => parseBody(parse(`id=${"x".repeat(51)}`), bodySchema("customer", "CreateCustomerBodySchema")),
      (error: unknown) => error instanceof CoercionError && error.param === "id",
    );
    assert.throws(
      () => parseBody(parse("item_prices[quantity][0]=many"), bodySchema("invoice", "CreateForChargeItemsAndChargesInvoiceBodySchema")),
      (error: unknown) => error instanceof CoercionError && error.param === "item_prices[quantity][0]",
    );
    assert.throws(
      () => parseBody(parse("name=x"), bodySchema("item", "CreateItemBodySchema")),
      CoercionError,
      "id, type and item_family_id are required",
    );
  });

  test("an empty value clears the attribute instead of failing its format", () => {
    const body = parseBody(parse("email=&first_name=Kari"), bodySchema("customer", "UpdateCustomerBodySchema"));
    assert.equal(body.email, null);
    assert.equal(body.first_name, "Kari");
  });
});
