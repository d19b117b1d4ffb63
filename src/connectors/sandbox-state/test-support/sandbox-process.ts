// A sandbox CLI (npm run sandbox:poweroffice / sandbox:chargebee) in a child process, so a test can SIGKILL it.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

export interface SandboxProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const CLI = {
  poweroffice: { script: "src/connectors/poweroffice/sandbox/cli.ts", ready: "PowerOffice Go sandbox is running." },
  chargebee: { script: "src/connectors/chargebee/sandbox/cli.ts", ready: "Chargebee sandbox ready" },
} as const;

/** Starts the sandbox's CLI with `env` on top of this process's environment; resolves once it says it is ready. */
export function startSandboxProcess(sandbox: keyof typeof CLI, env: Record<string, string>, args: string[] = []): Promise<SandboxProcess> {
  const { script, ready } = CLI[sandbox];
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_FORMAT: "json", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
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
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const started = { child, output, exited };
  return new Promise((resolve, reject) => {
    const check = setInterval(() => {
      if (output.some((line) => line.includes(ready))) {
        clearInterval(check);
        resolve(started);
      }
    }, 20);
    void exited.then(({ code }) => {
      clearInterval(check);
      reject(new Error(`the ${sandbox} sandbox exited with ${code} before it was ready:\n${output.join("\n")}`));
    });
  });
}

/** SIGKILL: no handler runs, nothing is flushed or closed. */
export async function killHard(sandbox: SandboxProcess): Promise<void> {
  if (sandbox.child.exitCode === null && sandbox.child.signalCode === null) sandbox.child.kill("SIGKILL");
  await sandbox.exited;
}
