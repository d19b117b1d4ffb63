/**
 * Money semantics of F9 (PowerOffice sales order line → Chargebee line), decided in shared/DESIGN.md §1:
 *   unit_price = ProductUnitPrice in minor units (øre)
 *   amount     = unit_price × Quantity, less the line's discount (Allowance %)
 *   tax_amount = amount × VatRate
 * Every value is an integer in minor units, rounded half-up (halves away from zero, so a credit line rounds like
 * its debit twin) at each step. PowerOffice's VatRate is a fraction (0.25); a value above 1 is read as a
 * percentage (25) so both spellings give the same tax.
 */

/** Currencies whose minor unit is the major unit (Chargebee's list). */
const ZERO_DECIMAL_CURRENCIES = new Set([
  "JPY",
  "KRW",
  "XAF",
  "XOF",
  "CLP",
  "VND",
  "BIF",
  "DJF",
  "GNF",
  "KMF",
  "MGA",
  "PYG",
  "RWF",
  "UGX",
  "VUV",
  "XPF",
]);

/** ISO 4217 codes the sync accepts (Chargebee sites enable a subset; an unknown code is quarantined). */
export const KNOWN_CURRENCIES = new Set([
  "NOK",
  "SEK",
  "DKK",
  "EUR",
  "USD",
  "GBP",
  "CHF",
  "ISK",
  "PLN",
  "CZK",
  "HUF",
  "CAD",
  "AUD",
  "NZD",
  "JPY",
  "CNY",
  "HKD",
  "SGD",
  "INR",
  "ZAR",
  "BRL",
  "MXN",
  "KRW",
  "TRY",
  "AED",
  "SAR",
  "ILS",
  "THB",
  "MYR",
  "PHP",
  "IDR",
]);

export function minorUnitFactor(currencyCode: string): number {
  return ZERO_DECIMAL_CURRENCIES.has(currencyCode.toUpperCase()) ? 1 : 100;
}

/** Rounds half away from zero, after removing binary noise (19.99 × 100 = 1998.9999999999998 → 1999). */
export function roundHalfUp(value: number): number {
  const cleaned = Number(value.toPrecision(12));
  const rounded = Math.sign(cleaned) * Math.round(Math.abs(cleaned));
  return rounded === 0 ? 0 : rounded; // no -0
}

export function toMinorUnits(amount: number, currencyCode: string): number {
  return roundHalfUp(amount * minorUnitFactor(currencyCode));
}

/** VatRate as a fraction: 0.25 stays, 25 becomes 0.25. */
export function vatFraction(vatRate: number | null | undefined): number {
  if (vatRate === null || vatRate === undefined || !Number.isFinite(vatRate)) return 0;
  return vatRate > 1 ? vatRate / 100 : vatRate;
}

export interface LineMoneyInput {
  productUnitPrice: number;
  quantity: number;
  /** Discount in percent (PowerOffice Allowance, −1000..100); null = none. */
  allowancePercent?: number | null;
  vatRate?: number | null;
  currencyCode: string;
}

export interface LineMoney {
  /** Minor units. */
  unitPrice: number;
  quantity: number;
  /** unitPrice × quantity, minor units. */
  grossAmount: number;
  /** What the discount takes off, minor units. */
  discountAmount: number;
  /** grossAmount − discountAmount. */
  amount: number;
  taxAmount: number;
  /** The fraction used for taxAmount. */
  taxRate: number;
}

export function lineMoney(input: LineMoneyInput): LineMoney {
  const unitPrice = toMinorUnits(input.productUnitPrice, input.currencyCode);
  const grossAmount = roundHalfUp(unitPrice * input.quantity);
  const allowance = input.allowancePercent ?? 0;
  const discountAmount = roundHalfUp((grossAmount * allowance) / 100);
  const amount = grossAmount - discountAmount;
  const taxRate = vatFraction(input.vatRate);
  const taxAmount = roundHalfUp(amount * taxRate);
  return { unitPrice, quantity: input.quantity, grossAmount, discountAmount, amount, taxAmount, taxRate };
}
