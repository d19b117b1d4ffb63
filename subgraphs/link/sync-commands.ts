import type { Knex } from "knex";
import {
  linkRecords,
  requestRecordSync,
  requestSyncRun,
  resolveConflict,
  retryQuarantined,
  unlinkRecord,
  updateUnified,
  createUnified,
  type CreateUnifiedInput,
  type CreateUnifiedResult,
  type FlowId,
  type UpdateUnifiedInput,
  type UpdateUnifiedResult,
  type SyncCommandDeps,
} from "../../src/sync/index.js";

export type { SyncCommandDeps };

export interface SyncRunRef {
  id: string;
}

/**
 * The sync commands the mutations call (src/sync/commands: runs and the link table). This thin interface keeps the resolvers independent of their internals, and lets
 * tests pass their own.
 */
export interface SyncCommands {
  requestSyncRun(deps: SyncCommandDeps, input: { flows?: readonly string[]; mode: string; requestedBy: string }): Promise<SyncRunRef>;
  requestRecordSync(deps: SyncCommandDeps, input: { system: string; entity: string; sourceId: string; requestedBy: string }): Promise<SyncRunRef>;
  linkRecords(knex: Knex, input: LinkCommandInput): Promise<{ unifiedId: string }>;
  unlinkRecord(knex: Knex, input: UnlinkCommandInput): Promise<unknown>;
  resolveConflict(knex: Knex, input: ResolveConflictCommandInput): Promise<unknown>;
  retryQuarantined(knex: Knex, input: RetryQuarantinedCommandInput): Promise<unknown>;
  updateUnified(deps: SyncCommandDeps, input: UpdateUnifiedInput): Promise<UpdateUnifiedResult>;
  createUnified(deps: SyncCommandDeps, input: CreateUnifiedInput): Promise<CreateUnifiedResult>;
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

/** The application's commands (they throw SyncCommandError with a code for bad input; the error formatter keeps it). */
export const applicationSyncCommands: SyncCommands = {
  requestSyncRun: (deps, input) => requestSyncRun(deps, input),
  requestRecordSync: (deps, input) => requestRecordSync(deps, input),
  linkRecords: (knex, input) => linkRecords(knex, { ...input, flow: input.flow as FlowId }),
  unlinkRecord: (knex, input) => unlinkRecord(knex, { ...input, flow: input.flow as FlowId | undefined }),
  resolveConflict: (knex, input) => resolveConflict(knex, input),
  retryQuarantined: (knex, input) => retryQuarantined(knex, { id: input.quarantineId, requestedBy: input.requestedBy }),
  updateUnified: (deps, input) => updateUnified(deps, input),
  createUnified: (deps, input) => createUnified(deps, input),
};
