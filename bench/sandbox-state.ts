/**
 * What saved state costs (figures in the README's sandbox section come from here):
 *   npm run bench:sandbox-state -- burst poweroffice|chargebee SIZE memory|DIR [BURSTS]
 *     1,000 writes through the API, 10 at a time, BURSTS times (default 5); prints each burst's ms and the median.
 *   npm run bench:sandbox-state -- start poweroffice|chargebee SIZE memory|DIR
 *     starts the sandbox (seeding, or reading DIR's saved state) and exits without closing: time the whole process
 *     from outside (e.g. /usr/bin/time) to get the start time.
 *   npm run bench:sandbox-state -- journal poweroffice|chargebee SIZE DIR WRITES
 *     leaves DIR with a snapshot and a journal of WRITES changes, as a SIGKILL would.
 */
import { startChargebeeSandbox, CHARGEBEE_SANDBOX_API_KEY } from "../src/connectors/chargebee/sandbox/index.js";
import { POWEROFFICE_SANDBOX_DEMO_KEYS, startPowerOfficeSandbox } from "../src/connectors/poweroffice/sandbox/index.js";

type Sandbox = "poweroffice" | "chargebee";

interface Target {
  write(i: number): Promise<number>;
  close(): Promise<void>;
}

const [mode, which, sizeText, where, extra] = process.argv.slice(2) as [string, Sandbox, string, string, string | undefined];
const size = sizeText === "demo" ? "demo" : Number(sizeText);
const stateDirectory = where === "memory" ? undefined : where;

async function start(): Promise<Target> {
  if (which === "poweroffice") {
    const sandbox = await startPowerOfficeSandbox({ size, stateDirectory });
    const keys = POWEROFFICE_SANDBOX_DEMO_KEYS;
    const grant = await fetch(sandbox.tokenUrl, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${keys.applicationKey}:${keys.clientKey}`).toString("base64")}`,
        "Ocp-Apim-Subscription-Key": keys.subscriptionKey,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    const token = ((await grant.json()) as { access_token: string }).access_token;
    const customerId = sandbox.store.special.companyWithoutOrders;
    return {
      // Alternately a create and a patch, the sync's two kinds of writes.
      write: async (i) => {
        const create = i % 2 === 0;
        const response = await fetch(create ? `${sandbox.apiBaseUrl}/Products` : `${sandbox.apiBaseUrl}/Customers/${customerId}`, {
          method: create ? "POST" : "PATCH",
          headers: {
            Authorization: `Bearer ${token}`,
            "Ocp-Apim-Subscription-Key": keys.subscriptionKey,
            "Content-Type": create ? "application/json" : "application/json-patch+json",
          },
          body: JSON.stringify(create ? { Name: `Bench ${i}` } : [{ op: "replace", path: "/WebsiteUrl", value: `www.bench-${i}.no` }]),
        });
        await response.arrayBuffer();
        return response.status;
      },
      close: () => sandbox.close(),
    };
  }
  const sandbox = await startChargebeeSandbox({ size, stateDirectory });
  const authorization = `Basic ${Buffer.from(`${CHARGEBEE_SANDBOX_API_KEY}:`).toString("base64")}`;
  const run = `${process.pid}-${Date.now().toString(36)}`;
  return {
    write: async (i) => {
      const create = i % 2 === 0;
      const response = await fetch(create ? `${sandbox.url}/customers` : `${sandbox.url}/customers/cb-kari-nordmann`, {
        method: "POST",
        headers: { authorization, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(create ? { id: `bench-${run}-${i}`, first_name: "Bench" } : { phone: `+47 ${10_000_000 + i}` }).toString(),
      });
      await response.arrayBuffer();
      return response.status;
    },
    close: () => sandbox.close(),
  };
}

async function burst(target: Target, writes: number, offset: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < writes) {
      const i = next++;
      const status = await target.write(offset + i);
      if (status !== 200 && status !== 201) throw new Error(`write ${i} answered ${status}`);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const target = await start();
if (mode === "start") process.exit(0);
if (mode === "journal") {
  await burst(target, Number(extra ?? 1000), 0);
  // Exit without close: the changes stay in the journal, as after a SIGKILL.
  process.exit(0);
}
const times: number[] = [];
for (let i = 0; i < Number(extra ?? 5); i += 1) times.push(await burst(target, 1000, i * 1000));
await target.close();
process.stdout.write(
  `${JSON.stringify({ sandbox: which, size, state: stateDirectory ? "saved" : "memory", burstsMs: times.map(Math.round), medianMs: Math.round(median(times)), perWriteMs: +(median(times) / 1000).toFixed(3) })}\n`,
);
