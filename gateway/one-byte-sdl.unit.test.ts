import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildASTSchema, parse, printSchema } from "graphql";
import { oneByteSdl } from "./one-byte-sdl.js";

const schemaText = (sdl: string) => printSchema(buildASTSchema(parse(sdl), { assumeValidSDL: true }));

test("the one-byte copy of the supergraph is the same schema, descriptions with … and – included", () => {
  const sdl = readFileSync(new URL("./supergraph.graphql", import.meta.url), "utf8");
  const copy = oneByteSdl(sdl);
  assert.doesNotMatch(copy, /[^\x00-\xff]/);
  assert.equal(schemaText(copy), schemaText(sdl));
});

test("a description with characters beyond Latin-1, in a block string and a quoted string, reads back the same", () => {
  const sdl = `"""Kunde – ø … 😀"""\ntype Query {\n  "quoted ‘x’"\n  a: String\n}\n`;
  const copy = oneByteSdl(sdl);
  assert.doesNotMatch(copy, /[^\x00-\xff]/);
  assert.equal(schemaText(copy), schemaText(sdl));
});

test("an SDL with Latin-1 characters only keeps its text", () => {
  const sdl = `"Kunde ø"\ntype Query {\n  a: String\n}\n`;
  assert.equal(oneByteSdl(sdl), sdl);
});
