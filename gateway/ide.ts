import { LOCAL_INTEGRATOR_KEY } from "./auth.js";
import { buildASTSchema, parse } from "graphql";

export const IDE_TITLE = "PowerOffice Go ⇄ Chargebee · GraphQL";

/** The headers editor starts with the key header to fill in, unless queries need no key. */
export function ideDefaultHeaders(openForReading: boolean): string {
  // Local development: the local key, so the IDE can run mutations too (queries need no key there).
  return JSON.stringify({ "x-api-key": openForReading ? LOCAL_INTEGRATOR_KEY : "<your API key>" }, null, 2);
}

/** A first query that works on this supergraph: the unified customers when the link subgraph is there. */
export function ideDefaultQuery(supergraphSdl: string, openForReading: boolean): string {
  const keyHint = openForReading
    ? "# Local development mode: queries need no key; mutations need an integrator key (x-api-key header)."
    : '# Put your API key in the Headers tab: { "x-api-key": "<key>" } (mutations need an integrator key).';
  let fields: string[] = [];
  try {
    const schema = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
    fields = Object.keys(schema.getQueryType()?.getFields() ?? {});
  } catch {
    // The IDE's default text is a convenience; a schema it cannot read just gets the generic query.
  }
  const body = fields.includes("customers")
    ? `{\n  customers(first: 10) {\n    edges {\n      node {\n        id\n        email\n        name\n      }\n    }\n  }\n}`
    : "{\n  __typename\n}";
  return `${keyHint}\n${body}\n`;
}
