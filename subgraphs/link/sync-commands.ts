import type { Knex } from "knex";
import type { Logger } from "../../src/logging/logger.js";

/**
 * What the link subgraph needs to start sync work. The same shape as `SyncCommandDeps` of src/sync/commands.ts
 * (owner H4); the queue is only handed through to the commands.
 */
export interface SyncCommandDeps {
  knex: Knex;
  queue: unknown;
  logger: Logger;
}

export interface SyncRunRef {
  id: string;
}

/**
 * The sync commands the mutations call (src/sync/commands.ts, owner H4, which re-exports H3's link commands). This
 * thin interface keeps the subgraph independent of their internals; tests can pass their own.
 */
export interface SyncCommands {
  requestSyncRun(deps: SyncCommandDeps, input: { flows?: readonly string[]; mode: string; requestedBy: string }): Promise<SyncRunRef>;
  requestRecordSync(
    deps: SyncCommandDeps,
    input: { system: string; entity: string; sourceId: string; requestedBy: string },
  ): Promise<SyncRunRef>;
  linkRecords(knex: Knex, input: LinkCommandInput): Promise<unknown>;
  unlinkRecord(knex: Knex, input: UnlinkCommandInput): Promise<unknown>;
  resolveConflict(knex: Knex, input: ResolveConflictCommandInput): Promise<unknown>;
  retryQuarantined(knex: Knex, input: RetryQuarantinedCommandInput): Promise<unknown>;
}

export interface LinkCommandInput {
  flow: string;
  powerofficeId: string;
  chargebeeId: string;
  requestedBy: string;
}

export interface UnlinkCommandInput {
  system: "poweroffice" | "chargebee";
  entity: string;
  sourceId: string;
  flow?: string;
  requestedBy: string;
}

export interface ResolveConflictCommandInput {
  conflictId: number;
  winner?: "poweroffice" | "chargebee";
  value?: unknown;
  resolvedBy: string;
}

export interface RetryQuarantinedCommandInput {
  quarantineId: number;
  requestedBy: string;
}

let loaded: Promise<Partial<SyncCommands>> | undefined;

/**
 * The application's sync commands, loaded on first use. Loaded lazily (and by a computed specifier) so the subgraph
 * builds and serves queries even where the sync module is absent; a mutation then answers UNAVAILABLE.
 */
export function loadSyncCommands(logger: Logger): Promise<Partial<SyncCommands>> {
  loaded ??= import(new URL("../../src/sync/commands.js", import.meta.url).href).then(
    (module: Record<string, unknown>) => {
      const commands: Partial<SyncCommands> = {};
      for (const name of ["requestSyncRun", "requestRecordSync", "linkRecords", "unlinkRecord", "resolveConflict", "retryQuarantined"] as const) {
        if (typeof module[name] === "function") (commands as Record<string, unknown>)[name] = module[name];
      }
      return commands;
    },
    (error: unknown) => {
      logger.error({ err: error }, "could not load src/sync/commands.js: the sync mutations answer UNAVAILABLE");
      return {};
    },
  );
  return loaded;
}
