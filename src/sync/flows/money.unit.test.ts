import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { lineMoney, roundHalfUp, toMinorUnits, vatFraction } from "./money.js";

describe("money in minor units", () => {
  test("kroner become integer øre without binary noise", () => {
    assert.equal(toMinorUnits(19.99, "NOK"), 1999);
    assert.equal(toMinorUnits(1500, "NOK"), 150000);
    assert.equal(toMinorUnits(0.005, "NOK"), 1, "half an øre rounds up");
    assert.equal(toMinorUnits(1500, "JPY"), 1500, "zero-decimal currencies keep the major unit");
  });

  test("halves round away from zero, and never to -0", () => {
    assert.deepEqual([roundHalfUp(2.5), roundHalfUp(-2.5), roundHalfUp(2.4999), roundHalfUp(-0.4)], [3, -3, 2, 0]);
    assert.ok(Object.is(roundHalfUp(-0.4), 0));
  });

  test("a line: amount is unit price × quantity less the discount; tax is amount × VAT rate", () => {
    const line = lineMoney({ productUnitPrice: 199.9, quantity: 3, allowancePercent: 10, vatRate: 0.25, currencyCode: "NOK" });
    assert.deepEqual(line, {
      unitPrice: 19990,
      quantity: 3,
      grossAmount: 59970,
      discountAmount: 5997,
      amount: 53973,
      taxAmount: 13493, // 13493.25 rounds down
      taxRate: 0.25,
    });
  });

  test("fractional quantities and rates written as percent", () => {
    const line = lineMoney({ productUnitPrice: 950, quantity: 1.5, vatRate: 15, currencyCode: "NOK" });
    assert.equal(line.amount, 142500);
    assert.equal(line.taxAmount, 21375);
    assert.equal(vatFraction(null), 0);
  });

  test("a credit line mirrors its debit twin", () => {
    const debit = lineMoney({ productUnitPrice: 10.05, quantity: 1, vatRate: 0.25, currencyCode: "NOK" });
    const credit = lineMoney({ productUnitPrice: 10.05, quantity: -1, vatRate: 0.25, currencyCode: "NOK" });
    assert.equal(credit.amount, -debit.amount);
    assert.equal(credit.taxAmount, -debit.taxAmount);
  });
});
