// The benches measure the product as production runs it: compiled by tsc, run with plain node (no tsx loader thread,
// no on-the-fly transform). compiledRuntime() builds the product, the benches' helpers and their fixtures into
// .data-test/bench-dist once per bench run; BENCH_RUNTIME=tsx runs the sources through tsx instead.
import { spawnSync } from "node:child_process";
import path from "node:path";

const OUT_DIR = ".data-test/bench-dist";

export interface BenchRuntime {
  name: "compiled" | "tsx";
  /** The node arguments that run this project file (a .ts path from the project root). */
  args(tsFile: string): string[];
}

let built = false;

export function benchRuntime(): BenchRuntime {
  if (process.env.BENCH_RUNTIME === "tsx") return { name: "tsx", args: (file) => ["--import", "tsx", file] };
  if (!built) {
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/build.ts", "--out-dir", OUT_DIR, "--project", "tsconfig.bench.json"], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (result.status !== 0) throw new Error("bench: the compiled build failed (see above); BENCH_RUNTIME=tsx runs the sources instead");
    built = true;
  }
  return { name: "compiled", args: (file) => [path.join(OUT_DIR, file.replace(/\.ts$/, ".js"))] };
}
