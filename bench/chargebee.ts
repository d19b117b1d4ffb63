/**
 * npm run bench:chargebee [-- --size 100000 --limited-requests 200 --skip-limited]
 *
 * 1. Reads every customer of a 100k-record sandbox (rate limit off) through ChargebeeClient: records/s, calls made
 *    (target: exactly one per 100 records), peak RSS of this process (the client; the sandbox runs in a child process).
 * 2. Sets the sandbox's limit to 150 requests/minute and reads pages at the client's default budget (150/min, 3 at
 *    once) until --limited-requests calls were made (default 200: past one full window, so it takes about a minute):
 *    the 429s the sandbox answered must be zero.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { createChargebeeClient, type ChargebeeClientConfig } from "../src/connectors/chargebee/index.js";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "100000" },
    "limited-requests": { type: "string", default: "200" },
    "skip-limited": { type: "boolean", default: false },
  },
});
const size = Number(values.size);
const limitedRequests = Number(values["limited-requests"]);

function peakRssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

/** CPU seconds (user + system) a process has used, from /proc (clock ticks of 1/100 s on Linux). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const mb = (value: number) => `${value.toFixed(0)} MB`;

console.log(
  `Chargebee bench — ${new Date().toISOString()}, Node ${process.version}, ${(await import("node:os")).cpus().length} cores (shared with other work)`,
);
console.log(`Starting a sandbox with ${size.toLocaleString("en")} customers in a child process…`);
const child = spawn(process.execPath, ["--import", "tsx", "bench/chargebee-sandbox-process.ts", String(size)], {
  stdio: ["ignore", "pipe", "inherit"],
});
const firstLine = await new Promise<string>((resolve, reject) => {
  const lines = createInterface({ input: child.stdout! });
  lines.once("line", resolve);
  child.once("exit", (code) => reject(new Error(`The sandbox process ended (code ${code}) before it was ready`)));
});
const info = JSON.parse(firstLine) as {
  port: number;
  clientConfig: ChargebeeClientConfig;
  adminUrl: string;
  apiKey: string;
  seeded: Record<string, number>;
};
const adminAuth = { authorization: `Basic ${Buffer.from(`${info.apiKey}:`).toString("base64")}`, "content-type": "application/json" };
const admin = async (method: string, path: string, body?: unknown) =>
  (await (
    await fetch(`${info.adminUrl}${path}`, { method, headers: adminAuth, body: body === undefined ? undefined : JSON.stringify(body) })
  ).json()) as Record<string, Record<string, unknown>>;

try {
  console.log(`Sandbox ready: ${JSON.stringify(info.seeded)}`);

  // 1. Full read, limit off.
  const client = createChargebeeClient({ ...info.clientConfig, requestsPerMinute: 0 });
  const childCpuBefore = cpuSecondsOf(child.pid!);
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  let records = 0;
  let deleted = 0;
  let pages = 0;
  for await (const page of client.readCustomers()) {
    records += page.records.length;
    deleted += page.records.filter((customer) => customer.deleted).length;
    pages += 1;
    if (pages % 200 === 0) process.stdout.write(`  … ${records.toLocaleString("en")} records\n`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const calls = client.stats().totalCalls;
  const cpu = process.cpuUsage(cpuBefore);
  const clientCpu = (cpu.user + cpu.system) / 1e6;
  const sandboxCpu = cpuSecondsOf(child.pid!) - childCpuBefore;
  const clientPeak = process.resourceUsage().maxRSS / 1024;
  console.log("\n1. Full read of customers, rate limit off");
  console.log(`   records read:      ${records.toLocaleString("en")} (${deleted} deleted ones included)`);
  console.log(`   time:              ${seconds.toFixed(2)} s`);
  console.log(`   records/s:         ${Math.round(records / seconds).toLocaleString("en")}   (target ≥ 10,000)`);
  console.log(
    `   CPU used:          client ${clientCpu.toFixed(2)} s, sandbox ${sandboxCpu.toFixed(2)} s → ${Math.round(records / clientCpu).toLocaleString("en")} records per client CPU-second, ${Math.round(records / (clientCpu + sandboxCpu)).toLocaleString("en")} per CPU-second of both`,
  );
  console.log(
    `   load average:      ${(await import("node:os"))
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(" ")} (other work on the same 2 cores slows the wall-clock figure)`,
  );
  console.log(
    `   calls made:        ${calls}   (${(records / calls).toFixed(1)} records per call; target: one call per 100 records = ${Math.ceil(records / 100)})`,
  );
  console.log(`   peak RSS (client): ${mb(clientPeak)}   (target < 200 MB)`);
  console.log(`   peak RSS (sandbox child, for reference): ${mb(peakRssOf(child.pid!))}`);

  // 2. Sandbox limit 150/min, client at its default budget.
  if (!values["skip-limited"]) {
    await admin("POST", "/rate_limit", { requestsPerMinute: 150 });
    await admin("DELETE", "/requests");
    const budgeted = createChargebeeClient({ ...info.clientConfig, requestsPerMinute: 150, maxConcurrency: 3 });
    console.log(
      `\n2. Sandbox limit 150 requests/minute, client budget 150/min and 3 at once: ${limitedRequests} calls (about ${Math.ceil(limitedRequests / 150) - 1} minute(s) of waiting)…`,
    );
    const limitedStarted = Date.now();
    let made = 0;
    // Several readers at once, as a sync would read several resources, sharing the one client budget.
    const readers = Array.from({ length: 3 }, async (_, reader) => {
      for await (const _page of budgeted.readCustomers({ limit: 100, filters: { id: { starts_with: "cb-cust-0" } }, includeDeleted: reader === 0 })) {
        made += 1;
        if (made % 50 === 0) process.stdout.write(`  … ${made} calls, ${((Date.now() - limitedStarted) / 1000).toFixed(0)} s\n`);
        if (made >= limitedRequests) break;
      }
    });
    await Promise.all(readers);
    const log = await admin("GET", "/requests?limit=1");
    const stats = budgeted.stats();
    const rateLimited = Object.values(stats.byEndpoint).reduce((sum, endpoint) => sum + (endpoint.outcomes.rate_limited ?? 0), 0);
    console.log(`   calls made:        ${stats.totalCalls} in ${((Date.now() - limitedStarted) / 1000).toFixed(1)} s`);
    console.log(`   sandbox answers:   ${JSON.stringify(log.byStatus)}`);
    console.log(`   429s provoked:     ${log.byStatus["429"] ?? 0} (sandbox log), ${rateLimited} (client stats)   (target 0)`);
  }
} finally {
  child.kill("SIGTERM");
}
