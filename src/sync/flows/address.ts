import type { FieldValue } from "../model/flow-definition.js";

/**
 * A postal address as both sides carry it: PowerOffice's MailAddress (AddressLine1, City, ZipCode, CountryCode) and
 * Chargebee's billing_address (line1, city, zip, country). Other parts (AddressLine2, state) are left as they are.
 */
export interface PostalAddress {
  [part: string]: string | null;
  line1: string | null;
  city: string | null;
  zip: string | null;
  country: string | null;
}

const PARTS = {
  poweroffice: { line1: "AddressLine1", city: "City", zip: "ZipCode", country: "CountryCode" },
  chargebee: { line1: "line1", city: "city", zip: "zip", country: "country" },
} as const;

/** Chargebee's limits for the billing address parts. */
const MAX_LENGTH = { line1: 150, city: 50, zip: 20 } as const;

const clean = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return text === "" ? null : text;
};

function readPart(data: Record<string, unknown>, name: string): unknown {
  if (name in data) return data[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(data)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** A side's address object as a PostalAddress, or null when it has none (or no line, city or zip). */
export function readAddress(value: unknown, side: "poweroffice" | "chargebee"): PostalAddress | null {
  if (typeof value !== "object" || value === null) return null;
  const names = PARTS[side];
  const data = value as Record<string, unknown>;
  const country = clean(readPart(data, names.country));
  const address: PostalAddress = {
    line1: clean(readPart(data, names.line1)),
    city: clean(readPart(data, names.city)),
    zip: clean(readPart(data, names.zip)),
    country: country?.toUpperCase() ?? null,
  };
  // A country alone (Chargebee keeps one for tax) is no postal address.
  return address.line1 !== null || address.city !== null || address.zip !== null ? address : null;
}

export function asAddress(value: FieldValue | undefined): PostalAddress | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  return value as PostalAddress;
}

/**
 * Two addresses are the same when their parts are; a missing country matches any (PowerOffice fills in "NO" where
 * Chargebee may have none, and neither should be written back and forth for it).
 */
export function sameAddress(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  const left = asAddress(a);
  const right = asAddress(b);
  if (!left || !right) return left === right;
  return (
    left.line1 === right.line1 &&
    left.city === right.city &&
    left.zip === right.zip &&
    (left.country === null || right.country === null || left.country === right.country)
  );
}

/** Why this address cannot be written to Chargebee (too long, not a country code), or null; `problem` checks text. */
export function addressProblem(value: FieldValue | undefined, label: string, textProblem: (text: string) => string | null): string | null {
  const address = asAddress(value);
  if (!address) return null;
  for (const [part, text] of Object.entries(address)) {
    if (text === null) continue;
    const control = textProblem(text);
    if (control) return `${label}: the address's ${part} holds ${control}`;
    const max = MAX_LENGTH[part as keyof typeof MAX_LENGTH] as number | undefined;
    if (max !== undefined && text.length > max) return `${label}: the address's ${part} is ${text.length} characters; Chargebee takes at most ${max}`;
  }
  if (address.country !== null && !/^[A-Z]{2}$/.test(address.country)) {
    return `${label}: the address's country "${address.country}" is not a two-letter ISO code (e.g. NO)`;
  }
  return null;
}

/** PowerOffice takes a mail address only with City and ZipCode: the reason one from Chargebee cannot go there, or null. */
export function powerOfficeAddressProblem(value: FieldValue | undefined, label: string): string | null {
  const address = asAddress(value);
  if (!address || (address.city !== null && address.zip !== null)) return null;
  const missing = [address.city === null ? "city" : null, address.zip === null ? "zip" : null].filter(Boolean).join(" and ");
  return `${label}: the billing address has no ${missing}, and PowerOffice takes a mail address only with City and ZipCode; add them in Chargebee`;
}

/** The address as Chargebee's billing_address parameters (update_billing_info, or a create). */
export function toBillingAddress(address: PostalAddress): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of ["line1", "city", "zip", "country"] as const) if (address[part] !== null) out[PARTS.chargebee[part]] = address[part];
  return out;
}

/** The address as PowerOffice's MailAddress, over what the record already has there (AddressLine2 and the rest stay). */
export function toMailAddress(address: PostalAddress, current: unknown): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  if (typeof current === "object" && current !== null) {
    const known = new Set(Object.values(PARTS.poweroffice).map((name) => name.toLowerCase()));
    for (const [key, value] of Object.entries(current)) {
      // Read-only parts (Id, LastChangedDateTimeOffset) are PowerOffice's; the four parts are written below.
      if (!known.has(key.toLowerCase()) && !["id", "lastchangeddatetimeoffset"].includes(key.toLowerCase())) kept[key] = value;
    }
  }
  const out: Record<string, unknown> = { ...kept };
  for (const part of ["line1", "city", "zip", "country"] as const) if (address[part] !== null) out[PARTS.poweroffice[part]] = address[part];
  return out;
}
