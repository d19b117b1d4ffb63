import { visit, type DocumentNode } from "graphql";

const namesByDocument = new WeakMap<DocumentNode, ReadonlySet<string>>();

/**
 * Every field name a document selects anywhere (all operations and fragments, aliases aside). Apollo Server hands the
 * same parsed document for the same query text, so each document is walked once.
 */
export function fieldNamesIn(document: DocumentNode): ReadonlySet<string> {
  let names = namesByDocument.get(document);
  if (!names) {
    const found = new Set<string>();
    visit(document, { Field: (node) => void found.add(node.name.value) });
    namesByDocument.set(document, (names = found));
  }
  return names;
}

/** Whether a request may ask for any of `fields`: true when the request's field names are not known. */
export function mayAsk(fieldsAsked: ReadonlySet<string> | null, fields: readonly string[]): boolean {
  return fieldsAsked === null || fields.some((field) => fieldsAsked.has(field));
}
