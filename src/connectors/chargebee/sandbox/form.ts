/**
 * Chargebee's bracket notation, read back into nested values: `billing_address[line1]=x` → `{billing_address:{line1}}`,
 * `coupon_ids[0]=a` → `{coupon_ids:["a"]}`, and the index-last arrays of objects
 * `item_prices[unit_price][0]=150000` → `{item_prices:{unit_price:["150000"]}}` (column form, as the SDK's Zod schemas
 * describe them; see columnsToRows). Values stay strings; coercion happens against the schema.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

export class FormError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

function splitKey(key: string): string[] {
  const open = key.indexOf("[");
  if (open === -1) return [key];
  const parts = [key.slice(0, open)];
  const pattern = /\[([^\]]*)\]/g;
  let match: RegExpExecArray | null;
  let consumed = open;
  while ((match = pattern.exec(key)) !== null) {
    if (match.index !== consumed) throw new FormError(key, `Malformed parameter name "${key}"`);
    parts.push(match[1]!);
    consumed = match.index + match[0].length;
  }
  if (consumed !== key.length) throw new FormError(key, `Malformed parameter name "${key}"`);
  return parts;
}

const MAX_INDEX = 1000;

/** Parses url-encoded pairs (a body or a query string) into nested values. */
export function parseBracketParams(pairs: Iterable<[string, string]>): FormObject {
  const root: FormObject = {};
  for (const [key, value] of pairs) {
    const parts = splitKey(key);
    let node: FormObject | FormValue[] = root;
    for (let i = 0; i < parts.length; i += 1) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]!);
      if (Array.isArray(node)) {
        if (!/^\d+$/.test(part) || Number(part) > MAX_INDEX) throw new FormError(key, `Bad index in "${key}"`);
        const index = Number(part);
        if (last) node[index] = value;
        else {
          node[index] ??= nextIsIndex ? [] : {};
          node = node[index] as FormObject | FormValue[];
        }
        continue;
      }
      if (last) {
        node[part] = value;
      } else {
        const existing: FormValue | undefined = node[part];
        if (existing === undefined) node[part] = nextIsIndex ? [] : {};
        else if (typeof existing === "string") throw new FormError(key, `"${key}" clashes with a plain value of the same name`);
        node = node[part] as FormObject | FormValue[];
      }
    }
  }
  return root;
}

/** `{unit_price:[1,2], quantity:[3,4]}` → `[{unit_price:1,quantity:3},{unit_price:2,quantity:4}]`. */
export function columnsToRows(columns: Record<string, unknown> | undefined): Array<Record<string, unknown>> {
  if (!columns) return [];
  const rows: Array<Record<string, unknown>> = [];
  for (const [field, values] of Object.entries(columns)) {
    if (!Array.isArray(values)) continue;
    values.forEach((value, index) => {
      if (value === undefined) return;
      rows[index] ??= {};
      rows[index]![field] = value;
    });
  }
  return rows.filter((row) => row !== undefined);
}
