import type { ConflictPolicyRule } from "../../src/config/conflict-policy.js";
import { createChargebeeClient, type ChargebeeClient } from "../../src/connectors/chargebee/index.js";
import { type FlowId } from "../../src/sync/flows/index.js";
import { startChargebeeSandbox, type ChargebeeSandbox, type SandboxWebhookConfig } from "../../src/connectors/chargebee/sandbox/index.js";
import { createPowerOfficeClient, type PowerOfficeClient } from "../../src/connectors/poweroffice/index.js";
import { startPowerOfficeSandbox, type PowerOfficeSandbox } from "../../src/connectors/poweroffice/sandbox/index.js";
import { silentLogger } from "../../src/logging/logger.js";
import { runFlows } from "../../src/sync/engine/run.js";
import type { RunCounts, SyncContext, SyncMode } from "../../src/sync/model/types.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";

/** Both sandboxes (rate limits off, fast retries), a test database of its own, and a sync context over them. */
export interface SyncHarness {
  db: TestDatabase;
  po: PowerOfficeSandbox;
  cb: ChargebeeSandbox;
  poweroffice: PowerOfficeClient;
  chargebee: ChargebeeClient;
  ctx: SyncContext;
  sync(options?: { flows?: FlowId[]; mode?: SyncMode }): Promise<RunCounts>;
  /** Write calls (POST/PATCH/DELETE on PowerOffice, non-list/retrieve calls on Chargebee) since the last reset. */
  writes(): { poweroffice: number; chargebee: number };
  resetStats(): void;
  close(): Promise<void>;
}

export async function startSyncHarness(
  options: {
    priority?: "poweroffice" | "chargebee";
    create?: "both" | "poweroffice" | "chargebee";
    createOff?: string[];
    conflictPolicy?: ConflictPolicyRule[];
    /** Where the Chargebee sandbox delivers its events. */ chargebeeWebhook?: SandboxWebhookConfig;
  } = {},
): Promise<SyncHarness> {
  const db = await createTestDatabase();
  const po = await startPowerOfficeSandbox({ size: "demo" });
  const cb = await startChargebeeSandbox({ size: "demo", webhook: options.chargebeeWebhook });
  const poweroffice = createPowerOfficeClient(po.config(), { retry: { baseDelayMs: 1, maxDelayMs: 5 }, requestsPerSecond: 0 });
  const chargebee = createChargebeeClient(
    { ...cb.clientConfig, requestsPerMinute: 0, maxConcurrency: 16 },
    { retry: { baseDelayMs: 1, maxDelayMs: 5 }, sleep: async () => {} },
  );
  const ctx: SyncContext = {
    knex: db.knex,
    poweroffice,
    chargebee,
    logger: silentLogger,
    settings: {
      priority: options.priority ?? "poweroffice",
      create: options.create ?? "both",
      createOff: options.createOff ?? [],
      conflictPolicy: options.conflictPolicy ?? [],
      historyDays: 365,
      batchSize: 50,
      pollIntervalSeconds: 60,
      workerConcurrency: 1,
      readFailureAlertAfter: 3,
    },
    dryRun: false,
    progress: { add: () => {} },
  };
  let poBaseline = 0;
  let cbBaseline = 0;
  const poWrites = () =>
    Object.entries(poweroffice.stats().byEndpoint)
      .filter(([endpoint]) => /^(POST|PATCH|DELETE) /.test(endpoint) && !endpoint.includes("OAuth"))
      .reduce((sum, [, outcomes]) => sum + Object.values(outcomes).reduce((a, b) => a + b, 0), 0);
  const cbWrites = () =>
    Object.entries(chargebee.stats().byEndpoint)
      .filter(([endpoint]) => !/\.(list|retrieve|getTransfers)$/.test(endpoint))
      .reduce((sum, [, stats]) => sum + stats.calls, 0);
  return {
    db,
    po,
    cb,
    poweroffice,
    chargebee,
    ctx,
    sync: (run = {}) => runFlows(ctx, { flows: run.flows, mode: run.mode ?? "incremental" }),
    writes: () => ({ poweroffice: poWrites() - poBaseline, chargebee: cbWrites() - cbBaseline }),
    resetStats: () => {
      poBaseline = poWrites();
      cbBaseline = cbWrites();
    },
    close: async () => {
      await po.close();
      await cb.close();
      await db.dispose();
    },
  };
}
