/**
 * npm run bench:poweroffice [-- --size 100000 --page-size 5000 --rounds 3 --in-process]
 *
 * Reads every record of the six list resources from a sandbox of `size` records (client-side and server-side rate
 * limits off) and prints records/s, the list calls made against the number the page size implies, and the peak RSS
 * of the client process. By default the sandbox runs in a child process, so the RSS is the client's alone.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import os from "node:os";
import { parseArgs } from "node:util";
import { createPowerOfficeClient, POWEROFFICE_RESOURCES, type PowerOfficeResourceName } from "../src/connectors/poweroffice/index.js";
import type { PowerOfficeConfig } from "../src/config/config.js";

interface SandboxInfo {
  config: PowerOfficeConfig;
  counts: Record<string, number>;
  close: () => Promise<void>;
}

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "100000" },
    "page-size": { type: "string", default: "5000" },
    rounds: { type: "string", default: "3" },
    "in-process": { type: "boolean", default: false },
    child: { type: "boolean", default: false },
  },
});

const size = Number(values.size);
const pageSize = Number(values["page-size"]);
const rounds = Number(values.rounds);

/** Child mode: start the sandbox, report its config to the parent, serve until told to stop. */
async function runChild(): Promise<void> {
  const { startPowerOfficeSandbox } = await import("../src/connectors/poweroffice/sandbox/index.js");
  const sandbox = await startPowerOfficeSandbox({ size, seed: 42, requestsPerSecond: 0 });
  process.send!({ config: sandbox.config(), counts: sandbox.store.counts(), rssMb: process.memoryUsage().rss / 1e6 });
  process.on("message", (message) => {
    if (message === "stop") void sandbox.close().then(() => process.exit(0));
  });
}

async function startSandbox(inProcess: boolean): Promise<SandboxInfo & { where: string; sandboxRssMb?: number }> {
  if (inProcess) {
    const { startPowerOfficeSandbox } = await import("../src/connectors/poweroffice/sandbox/index.js");
    const sandbox = await startPowerOfficeSandbox({ size, seed: 42, requestsPerSecond: 0 });
    return {
      config: sandbox.config(),
      counts: sandbox.store.counts(),
      close: () => sandbox.close(),
      where: "same process as the client (RSS includes the sandbox)",
    };
  }
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ["--child", "--size", String(size)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await new Promise<{ config: PowerOfficeConfig; counts: Record<string, number>; rssMb: number }>((resolve, reject) => {
    child.once("message", (m) => resolve(m as { config: PowerOfficeConfig; counts: Record<string, number>; rssMb: number }));
    child.once("exit", (code) => reject(new Error(`The sandbox child exited with code ${code}`)));
  });
  return {
    config: ready.config,
    counts: ready.counts,
    sandboxRssMb: ready.rssMb,
    where: `child process ${child.pid} (RSS below is the client's alone)`,
    close: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.send("stop");
      }),
  };
}

async function main(): Promise<void> {
  if (values.child) return runChild();
  if (!Number.isInteger(size) || size < 1 || size > 1_000_000) throw new Error("--size must be a whole number from 1 to 1000000");
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 20_000) throw new Error("--page-size must be from 1 to 20000");

  let peakRss = process.memoryUsage().rss;
  let atPeak = process.memoryUsage();
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    if (usage.rss > peakRss) {
      peakRss = usage.rss;
      atPeak = usage;
    }
  }, 20);

  process.stdout.write(`Seeding a ${size}-record PowerOffice sandbox…\n`);
  const seedStarted = performance.now();
  const sandbox = await startSandbox(values["in-process"]);
  process.stdout.write(`Sandbox ready in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s, in the ${sandbox.where}\n`);
  if (sandbox.sandboxRssMb) process.stdout.write(`Sandbox process RSS after seeding: ${sandbox.sandboxRssMb.toFixed(0)} MB\n`);
  process.stdout.write(`Records: ${POWEROFFICE_RESOURCES.map((r) => `${r} ${sandbox.counts[r]}`).join(", ")}\n`);
  process.stdout.write(
    `Machine: ${os.cpus().length} cores (shared with other work), Node ${process.version}; page size ${pageSize}; rate limits off\n\n`,
  );

  const rssBeforeMb = process.memoryUsage().rss / 1048576;
  process.stdout.write(`Client process RSS before reading: ${rssBeforeMb.toFixed(0)} MB\n`);
  const client = createPowerOfficeClient({ ...sandbox.config, requestsPerSecond: 0 });
  const expectedCalls = (resource: PowerOfficeResourceName) => Math.floor(sandbox.counts[resource]! / pageSize) + 1;
  const totalRecords = POWEROFFICE_RESOURCES.reduce((sum, r) => sum + sandbox.counts[r]!, 0);
  const results: { round: number; seconds: number; perSecond: number; listCalls: number; expected: number }[] = [];

  for (let round = 1; round <= rounds; round += 1) {
    client.resetStats();
    const started = performance.now();
    let read = 0;
    for (const resource of POWEROFFICE_RESOURCES) {
      for await (const page of client.pages(resource, { pageSize })) read += page.length;
    }
    const seconds = (performance.now() - started) / 1000;
    if (read !== totalRecords) throw new Error(`Read ${read} records, expected ${totalRecords}`);
    const stats = client.stats();
    const listCalls = POWEROFFICE_RESOURCES.reduce(
      (sum, r) => sum + Object.values(stats.byEndpoint[`GET /${r}`] ?? {}).reduce((a, b) => a + b, 0),
      0,
    );
    const expected = POWEROFFICE_RESOURCES.reduce((sum, r) => sum + expectedCalls(r), 0);
    results.push({ round, seconds, perSecond: read / seconds, listCalls, expected });
    process.stdout.write(
      `round ${round}: ${read} records in ${seconds.toFixed(2)} s = ${Math.round(read / seconds).toLocaleString("en")} records/s; ` +
        `list calls ${listCalls} (page size implies ${expected}); other calls ${stats.totalCalls - listCalls} (token); ` +
        `RSS now ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB\n`,
    );
  }
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  await sandbox.close();

  const best = Math.max(...results.map((r) => r.perSecond));
  const median = results.map((r) => r.perSecond).sort((a, b) => a - b)[Math.floor((results.length - 1) / 2)]!;
  const callsExact = results.every((r) => r.listCalls === r.expected);
  const peakMb = peakRss / 1024 / 1024;
  process.stdout.write(
    [
      "",
      "PowerOffice client read benchmark",
      `  records/s          median ${Math.round(median).toLocaleString("en")}, best ${Math.round(best).toLocaleString("en")}  (target >= 20,000)`,
      `  list calls         ${results[0]!.listCalls} per round, page size implies ${results[0]!.expected}  (${callsExact ? "exact" : "MISMATCH"})`,
      `  peak RSS (client)  ${peakMb.toFixed(0)} MB  (target < 200 MB)${values["in-process"] ? " — includes the in-process sandbox" : ""}; ` +
        `at the peak: V8 heap ${(atPeak.heapTotal / 1048576).toFixed(0)} MB (used ${(atPeak.heapUsed / 1048576).toFixed(0)}), buffers ${(atPeak.arrayBuffers / 1048576).toFixed(0)} MB`,
      `  sandbox            ${sandbox.where}`,
      "",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:poweroffice failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
