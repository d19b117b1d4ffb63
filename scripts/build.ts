// npm run build [-- --out-dir DIR] [--project TSCONFIG]: the production build. Empties the output directory (dist/), compiles the product
// with tsc (tsconfig.build.json), copies the files it reads at run time (migrations, the PowerOffice spec excerpt),
// checks every file a module names next to itself exists there, and records a digest of the inputs in build-info.json.
// Run the output with plain node: node dist/src/cli/migrate.js, node dist/gateway/main.js, … (npm run <script>:dist).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { BUILD_INFO_FILE, buildInputsDigest, ROOT, RUNTIME_FILES, SOURCE_DIRECTORIES, type BuildInfo } from "./build-inputs.js";

function fail(message: string): never {
  console.error(`build: ${message}`);
  process.exit(1);
}

/** --out-dir (default dist/) and --project (default tsconfig.build.json; the benches build theirs beside it). */
function parseArgs(args: string[]): { outDir: string; project: string } {
  const options = { outDir: path.join(ROOT, "dist"), project: path.join(ROOT, "tsconfig.build.json") };
  for (let index = 0; index < args.length; index += 2) {
    const [name, value] = [args[index], args[index + 1]];
    if (name === "--out-dir" && value) options.outDir = path.resolve(value);
    else if (name === "--project" && value) options.project = path.resolve(value);
    else fail(`usage: npm run build [-- --out-dir DIR] [--project TSCONFIG] (got ${args.join(" ")})`);
  }
  return options;
}

const { outDir, project } = parseArgs(process.argv.slice(2));
const relativeOut = path.relative(ROOT, outDir);
// The output must sit inside the project, so its modules find node_modules/ and package.json's "type": "module".
// It is emptied first, so it must be no source directory.
if (!relativeOut || relativeOut.startsWith("..") || path.isAbsolute(relativeOut)) fail(`${outDir} is not a directory inside ${ROOT}`);
const top = relativeOut.split(path.sep)[0]!;
if ([...SOURCE_DIRECTORIES, "migrations", "scripts", "test", "bench", "node_modules", ".git"].includes(top))
  fail(`refusing to empty ${relativeOut}/`);

const started = performance.now();
const info: BuildInfo = { inputs: buildInputsDigest() };
fs.rmSync(outDir, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const compiled = spawnSync(process.execPath, [tsc, "-p", project, "--outDir", outDir], { cwd: ROOT, stdio: "inherit" });
if (compiled.status !== 0) fail(`tsc failed (exit ${compiled.status ?? compiled.signal})`);

for (const { from, filter } of RUNTIME_FILES) {
  fs.cpSync(path.join(ROOT, from), path.join(outDir, from), {
    recursive: true,
    filter: (source) => !filter || fs.statSync(source).isDirectory() || filter(path.basename(source)),
  });
}

/** Every emitted module under directory (absolute paths). */
function modulesUnder(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(directory, entry.name);
    if (entry.isDirectory()) return modulesUnder(file);
    return entry.isFile() && entry.name.endsWith(".js") ? [file] : [];
  });
}

// `new URL("./x", import.meta.url)` reads a file beside the module: tsc copies none, so each must be in RUNTIME_FILES.
const missing: string[] = [];
const modules = modulesUnder(outDir);
for (const module of modules) {
  for (const match of fs.readFileSync(module, "utf8").matchAll(/new URL\((["'])([^"']+)\1,\s*import\.meta\.url\)/g)) {
    const target = path.resolve(path.dirname(module), match[2]!);
    if (!fs.existsSync(target)) missing.push(`${path.relative(outDir, module)} reads ${path.relative(outDir, target)}`);
  }
}
if (missing.length > 0) fail(`files the build does not copy (add them to RUNTIME_FILES in scripts/build-inputs.ts):\n  ${missing.join("\n  ")}`);

fs.writeFileSync(path.join(outDir, BUILD_INFO_FILE), `${JSON.stringify(info, null, 2)}\n`);
console.log(`Built ${relativeOut}/: ${modules.length} modules in ${((performance.now() - started) / 1000).toFixed(1)} s`);
