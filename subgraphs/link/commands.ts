import type { SubgraphContext } from "../shared/context.js";
import { clientError, forbidden } from "../shared/errors.js";
import { applicationSyncCommands, type SyncCommandDeps, type SyncCommands } from "./sync-commands.js";

/** Roles the gateway forwards that may change things (x-caller-role). */
const WRITER_ROLES = new Set(["integrator", "admin"]);

/** Mutations need the integrator role when the gateway says who is calling. */
export function assertMayWrite(ctx: SubgraphContext): void {
  const role = ctx.caller.role;
  if (role !== null && !WRITER_ROLES.has(role)) {
    throw forbidden(`Changing sync state needs an integrator API key; this call came with the role "${role}".`);
  }
}

/** One sync command: the injected one (tests) or the application's. */
export function command<K extends keyof SyncCommands>(ctx: SubgraphContext, name: K): SyncCommands[K] {
  return (ctx.deps.syncCommands?.[name] ?? applicationSyncCommands[name]) as SyncCommands[K];
}

/** The job queue is needed to start runs; without it (a subgraph process with no queue) runs cannot be requested. */
export function queueDeps(ctx: SubgraphContext): SyncCommandDeps {
  if (!ctx.deps.commands) {
    throw clientError(
      "UNAVAILABLE",
      "The sync job queue is not running in this process, so no run can be queued. Use the app started with npm start, " +
        "or give the link subgraph process a job queue (DATABASE_URL) and try again.",
    );
  }
  return ctx.deps.commands;
}
