/**
 * Text PostgreSQL cannot store: jsonb and text refuse NUL (U+0000), and jsonb refuses a lone UTF-16 surrogate
 * (half of a pair), which a JSON API can send as "\ud800". A record carrying such text is stored with the text
 * replaced (NUL by U+2400 "␀", a lone surrogate by U+FFFD) and its exact original kept as JSON text, in which
 * both are plain ASCII escapes; the issues say what was replaced where, and the sync quarantines the record.
 */

export interface DataIssue {
  /** Where: a property path such as "FirstName" or "SalesOrderLines[2].Description" ("(key)" for a property name). */
  path: string;
  problem: string;
}

export interface StorableValue<T> {
  value: T;
  /** Empty when the value was storable as it is. */
  issues: DataIssue[];
}

const NUL_REPLACEMENT = "\u2400";

function codePoint(text: string, index: number): string {
  return `U+${text.charCodeAt(index).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** What is wrong with one string for the database, or null. */
export function unstorableText(text: string): string | null {
  const nul = text.indexOf("\u0000");
  if (nul !== -1) return `contains a NUL character (U+0000) at position ${nul + 1}`;
  if (!text.isWellFormed()) {
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      if (code < 0xd800 || code > 0xdfff) continue;
      const next = text.charCodeAt(index + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        index += 1;
        continue;
      }
      return `contains half of a UTF-16 surrogate pair (${codePoint(text, index)}) at position ${index + 1}, which is not a character`;
    }
  }
  return null;
}

function storableString(text: string): string {
  return text.replaceAll("\u0000", NUL_REPLACEMENT).toWellFormed();
}

function visit(value: unknown, path: string, issues: DataIssue[]): unknown {
  if (typeof value === "string") {
    const problem = unstorableText(value);
    if (!problem) return value;
    issues.push({ path: path || "(value)", problem });
    return storableString(value);
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let index = 0; index < value.length; index += 1) {
      const item = visit(value[index], `${path}[${index}]`, issues);
      if (item !== value[index]) (copy ??= value.slice())[index] = item;
    }
    return copy ?? value;
  }
  if (value !== null && typeof value === "object") {
    let copy: Record<string, unknown> | null = null;
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const keyProblem = unstorableText(key);
      const childPath = path ? `${path}.${keyProblem ? storableString(key) : key}` : keyProblem ? storableString(key) : key;
      if (keyProblem) issues.push({ path: `${childPath} (key)`, problem: `its property name ${keyProblem}` });
      const storedItem = visit(item, childPath, issues);
      if (keyProblem || storedItem !== item) {
        copy ??= { ...(value as Record<string, unknown>) };
        if (keyProblem) delete copy[key];
        copy[keyProblem ? storableString(key) : key] = storedItem;
      }
    }
    return copy ?? value;
  }
  return value;
}

/** The value with unstorable text replaced (a copy only where something changed), and what was replaced. */
export function storableValue<T>(value: T): StorableValue<T> {
  const issues: DataIssue[] = [];
  const stored = visit(value, "", issues) as T;
  return { value: stored, issues };
}

/** A text column's value made storable (the search columns: email, name); the original stays in the raw copy. */
export function storableColumn(text: string | null | undefined, maxLength: number): string | null {
  if (text === null || text === undefined) return null;
  const storable = unstorableText(text) ? storableString(text) : text;
  // Btree index entries hold at most about 2.7 kB: a longer search value would refuse the whole row.
  return storable.length > maxLength ? storable.slice(0, maxLength) : storable;
}

/** One sentence for a quarantine reason: "FirstName contains a NUL character (U+0000) at position 4". */
export function describeDataIssues(issues: readonly DataIssue[]): string {
  const shown = issues.slice(0, 3).map((issue) => `${issue.path} ${issue.problem}`);
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : "";
  return `${shown.join("; ")}${more}`;
}
