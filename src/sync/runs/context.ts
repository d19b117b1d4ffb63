import type { SyncContext } from "../model/types.js";
import type { RunProgressSink } from "./progress.js";
import type { RunDeps, SyncRunRow } from "./types.js";

export function buildContext(deps: RunDeps, run: SyncRunRow, progress: RunProgressSink): SyncContext {
  const dryRun = run.mode === "dry-run";
  return {
    knex: deps.knex,
    poweroffice: deps.clients.poweroffice,
    chargebee: deps.clients.chargebee,
    logger: deps.logger.child({ runId: run.id }),
    settings: deps.settings,
    runId: run.id,
    dryRun,
    progress,
    ...(dryRun ? { plan: { writes: [], quarantined: [] } } : {}),
  };
}
