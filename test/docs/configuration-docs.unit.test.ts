import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");

/** Variables the configuration module reads: every quoted upper-case name under src/config. */
function variablesReadByConfig(): string[] {
  const directory = path.join(root, "src/config");
  const names = new Set<string>();
  for (const file of fs.readdirSync(directory)) {
    if (!file.endsWith(".ts") || file.includes(".test.")) continue;
    for (const match of fs.readFileSync(path.join(directory, file), "utf8").matchAll(/"([A-Z][A-Z0-9]*_[A-Z0-9_]+|PORT|HOST)"/g)) {
      names.add(match[1]!);
    }
  }
  return [...names].sort();
}

function variablesInEnvExample(): string[] {
  return read(".env.example")
    .split("\n")
    .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
    .filter((name): name is string => Boolean(name))
    .sort();
}

test(".env.example lists every variable the configuration reads", () => {
  const documented = new Set(variablesInEnvExample());
  const missing = variablesReadByConfig().filter((name) => !documented.has(name));
  assert.deepEqual(missing, [], `add these to .env.example with their defaults: ${missing.join(", ")}`);
});

test("the README documents every variable of .env.example", () => {
  const readme = read("README.md");
  const missing = variablesInEnvExample().filter((name) => !new RegExp(`\\b${name}\\b`).test(readme));
  assert.deepEqual(missing, [], `add these to the README's configuration table: ${missing.join(", ")}`);
});

test("the README names the commands a new user needs, and each is an npm script", () => {
  const readme = read("README.md");
  const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts);
  for (const command of ["npm ci && npm start", "npm test"]) assert.ok(readme.includes(command), `README lacks "${command}"`);
  const named = [...readme.matchAll(/npm run ([a-z:]+)/g)].map((m) => m[1]!);
  const unknown = [...new Set(named)].filter((script) => !scripts.includes(script));
  assert.deepEqual(unknown, [], `the README names npm scripts that do not exist: ${unknown.join(", ")}`);
});
