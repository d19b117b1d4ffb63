import { Kind, parse, print, visit } from "graphql";

const BEYOND_LATIN1 = /[^\x00-\xff]/;
const EACH_BEYOND_LATIN1 = /[^\x00-\xff]/g;

/**
 * The same schema as `sdl`, as a string V8 stores one byte per character: characters beyond Latin-1 (only possible in
 * descriptions) become `\uXXXX` escapes in ordinary quoted strings, which read back as the same text.
 *
 * Why: V8 keeps a string two bytes per character when it was built from such a string, and so is every name graphql-js
 * cuts out of it. The first copy of a name that V8 interns is the one every later use gets, including the keys of each
 * response, so one two-byte schema string made every response two-byte, and measuring and writing large answers
 * cost a share of the gateway's CPU per request (bench/README.md; a description with "…" was enough).
 */
export function oneByteSdl(sdl: string): string {
  let latin1 = sdl;
  if (BEYOND_LATIN1.test(sdl)) {
    // Block strings ("""…""") take no escapes, so descriptions are printed as ordinary strings before escaping.
    const document = visit(parse(sdl, { noLocation: true }), {
      [Kind.STRING]: (node) => (node.block ? { ...node, block: false } : undefined),
    });
    latin1 = print(document).replace(EACH_BEYOND_LATIN1, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
  }
  // A copy decoded from Latin-1 bytes, because a string with only Latin-1 characters may still be stored two-byte.
  return Buffer.from(latin1, "latin1").toString("latin1");
}
