// What the production build (scripts/build.ts) is made from, and a digest of it: the build writes the digest into
// dist/build-info.json so a test can tell whether dist/ was built from the sources as they are now.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Compiled by tsc (tsconfig.build.json): the product's code. */
export const SOURCE_DIRECTORIES = ["src", "subgraphs", "gateway"] as const;

/**
 * Files the product reads at run time by a path relative to its own module, which tsc does not copy: each is copied to
 * the same place under the output directory. Knex records a migration by its file name, which stays the same.
 */
export const RUNTIME_FILES: readonly { from: string; filter?: (name: string) => boolean }[] = [
  // src/db/migrations-config.ts: <dist>/src/db/../../migrations
  { from: "migrations", filter: (name) => name.endsWith(".cjs") },
  // src/connectors/poweroffice/spec/excerpt.ts: new URL("./openapi.excerpt.json", import.meta.url)
  { from: "src/connectors/poweroffice/spec/openapi.excerpt.json" },
];

/** Besides the sources: what else changes the output. */
const OTHER_INPUTS = ["migrations", "tsconfig.json", "tsconfig.build.json", "package-lock.json", "scripts/build.ts", "scripts/build-inputs.ts"];

export const BUILD_INFO_FILE = "build-info.json";

export interface BuildInfo {
  /** sha256 of every input file's path and content (see buildInputsDigest). */
  inputs: string;
}

function filesUnder(relative: string): string[] {
  const absolute = path.join(ROOT, relative);
  if (!fs.statSync(absolute).isDirectory()) return [relative];
  return fs
    .readdirSync(absolute, { withFileTypes: true })
    .flatMap((entry) => (entry.name === "node_modules" ? [] : filesUnder(path.posix.join(relative, entry.name))));
}

/** The digest of the build's inputs as they are on disk now. Tests do not change the output, so they are left out. */
export function buildInputsDigest(): string {
  const hash = createHash("sha256");
  const files = [...SOURCE_DIRECTORIES, ...OTHER_INPUTS].flatMap(filesUnder).filter((file) => !/\.test\.ts$/.test(file));
  for (const file of [...new Set(files)].sort()) {
    hash.update(`${file}\0`);
    hash.update(fs.readFileSync(path.join(ROOT, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** The build info an output directory carries, or undefined when it has none (not built, or built by an older build). */
export function readBuildInfo(outDir: string): BuildInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(outDir, BUILD_INFO_FILE), "utf8")) as BuildInfo;
  } catch {
    return undefined;
  }
}
