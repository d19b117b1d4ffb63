// Sync worker processes for tests: `node --import tsx src/sync/worker-main.ts` pointed at sandboxes in the test's
// process and at a PostgreSQL database through the environment, with their output kept for assertions.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ChargebeeSandbox } from "../../../src/connectors/chargebee/sandbox/index.js";
import type { PowerOfficeSandbox } from "../../../src/connectors/poweroffice/sandbox/index.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface WorkerProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

/** What a child process of the product needs to reach the sandboxes and the database, quickly and without limits. */
export function sandboxEnv(options: {
  databaseUrl: string;
  po: PowerOfficeSandbox;
  cb: ChargebeeSandbox;
  extra?: Record<string, string>;
}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    POWEROFFICE_API_BASE_URL: options.po.apiBaseUrl,
    POWEROFFICE_TOKEN_URL: options.po.tokenUrl,
    POWEROFFICE_REQUESTS_PER_SECOND: "0",
    CHARGEBEE_SANDBOX_PORT: String(options.cb.port),
    CHARGEBEE_REQUESTS_PER_MINUTE: "0",
    CHARGEBEE_MAX_CONCURRENCY: "8",
    SYNC_POLL_INTERVAL_SECONDS: "0",
    JOB_HEARTBEAT_SECONDS: "10",
    JOB_SUPERVISE_INTERVAL_SECONDS: "1",
    WORKER_SCHEMA_WAIT_SECONDS: "0",
    LOG_FORMAT: "json",
    LOG_LEVEL: "debug",
    ...options.extra,
  };
}

/** Starts a worker process and resolves once it says it has started. */
export function startWorkerProcess(env: NodeJS.ProcessEnv, started: WorkerProcess[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/sync/worker-main.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  let buffered = "";
  const collect = (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    output.push(...lines);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const worker = { child, output, exited };
  started.push(worker);
  return new Promise((resolve, reject) => {
    const check = setInterval(() => {
      if (output.some((line) => line.includes("sync worker started"))) {
        clearInterval(check);
        resolve(worker);
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(check);
      reject(new Error(`worker exited with ${code} before it started:\n${output.join("\n")}`));
    });
  });
}

export function isRunning(worker: WorkerProcess): boolean {
  return worker.child.exitCode === null && worker.child.signalCode === null;
}

/** Kills every worker still running (SIGKILL) and waits for them to exit. */
export async function killAll(workers: readonly WorkerProcess[]): Promise<void> {
  for (const worker of workers) if (isRunning(worker)) worker.child.kill("SIGKILL");
  await Promise.all(workers.map((worker) => worker.exited));
}

/** Checks `condition` every 25 ms until it holds (or throws after `timeoutMs`). */
export async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 60_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
