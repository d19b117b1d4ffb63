import "reflect-metadata";
import {
  FLOW_IDS,
  NO_WAITS,
  budgetWaitedFrom,
  currentStageOf,
  isFlowId,
  stageWaitText,
  waitReasonText,
  waitsOf,
  type RunDetail,
  type RunWaits,
  type Vendor,
} from "../../../src/sync/index.js";
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { badUserInput, notFound } from "../../shared/errors.js";
import { connectionType, paginate, type KeysetOrder } from "../../shared/pagination.js";
import { assertMayWrite, command, queueDeps } from "../commands.js";
import { batchWaitsOf, isUuid, stageBatchesOf } from "../loaders.js";
import { SourceSystem, SyncMode, SyncRunStatus, SyncWaitReason } from "../types/enums.js";
import { SyncBudgetWaited, SyncRun, SyncRunWait, SyncStageWait, SyncVendorWait, toSyncRun, type SyncRunDbRow } from "../types/sync-run.js";

export const SyncRunConnection = connectionType("SyncRun", SyncRun);

/** Newest first. The time key is fixed-width text with microseconds, so a cursor compares exactly. */
const RUN_ORDER: KeysetOrder = {
  keys: ["to_char(created_at at time zone 'UTC', 'YYYYMMDDHH24MISSUS')", "id::text"],
  types: ["text", "text"],
  descending: true,
};

const FLOW_RANGE = `${FLOW_IDS[0]} to ${FLOW_IDS[FLOW_IDS.length - 1]}`;

async function readRun(ctx: SubgraphContext, id: string): Promise<SyncRun> {
  const row = await ctx.sql.first<SyncRunDbRow>(ctx.sql.knex("sync_runs").where({ id }));
  if (!row) throw notFound(`Sync run ${id} does not exist`);
  return toSyncRun(row);
}

interface RecordedWait {
  runId: string;
  flows: string[];
  since: string;
  until?: string;
}

/** What a run waits for now, from its current stage's batches (none unless it is processing a stage). */
async function waitsOfRun(ctx: SubgraphContext, run: SyncRun): Promise<RunWaits> {
  const stage = currentStageOf(run);
  if (stage === null) return NO_WAITS;
  return waitsOf(run, await stageBatchesOf(ctx).load(`${run.id}\u0000${stage}`), Date.now());
}

@Resolver(() => SyncRun)
export class SyncRunResolver {
  @FieldResolver(() => [SyncVendorWait], {
    description:
      "While RUNNING: what the running stage's API calls wait for, one entry per vendor (a budget's rate, its requests at once, a 429); empty when nothing waits.",
  })
  async waitingOn(@Root() run: SyncRun, @Ctx() ctx: SubgraphContext): Promise<SyncVendorWait[]> {
    return (await waitsOfRun(ctx, run)).waitingOn.map((wait) => ({
      vendor: wait.vendor as SourceSystem,
      reason: wait.reason as SyncWaitReason,
      description: waitReasonText(wait),
      since: wait.since,
      retryAt: wait.retryAt,
      callsLeft: wait.callsLeft,
      expectedSecondsLeft: wait.expectedSecondsLeft === null ? null : Math.round(wait.expectedSecondsLeft * 10) / 10,
      stage: wait.stage + 1,
      batches: wait.batches,
      rate: wait.rate ? { requests: wait.rate.requests, perSeconds: wait.rate.perMs / 1000 } : null,
      maxConcurrency: wait.maxConcurrency,
    }));
  }

  @FieldResolver(() => SyncStageWait, {
    nullable: true,
    description:
      "While RUNNING: the next stage, once the running stage has no batch left to start and the next one waits for it to finish; null otherwise.",
  })
  async stageWaiting(@Root() run: SyncRun, @Ctx() ctx: SubgraphContext): Promise<SyncStageWait | null> {
    const wait = (await waitsOfRun(ctx, run)).stageWaiting;
    if (!wait) return null;
    return {
      stage: wait.stage + 1,
      flows: wait.flows,
      waitsForStage: wait.waitsForStage + 1,
      waitsForFlows: wait.waitsForFlows,
      needs: wait.needs,
      description: stageWaitText(wait),
    };
  }

  @FieldResolver(() => [SyncBudgetWaited], {
    description:
      "How long the run's batches waited on each vendor's request budget in total (so far, while it runs); vendors it never waited on are left out.",
  })
  async budgetWaited(@Root() run: SyncRun, @Ctx() ctx: SubgraphContext): Promise<SyncBudgetWaited[]> {
    const recorded = (run.detail as RunDetail).budgetWaited;
    const waited = recorded ?? budgetWaitedFrom(await batchWaitsOf(ctx).load(run.id));
    return (Object.entries(waited) as Array<[Vendor, number]>).map(([vendor, waitedMs]) => ({ vendor: vendor as SourceSystem, waitedMs }));
  }

  @FieldResolver(() => [SyncRunWait], { description: "The runs this one waited for before it started, with what each did." })
  async waited(@Root() run: SyncRun, @Ctx() ctx: SubgraphContext): Promise<SyncRunWait[]> {
    const detail = run.detail as { waited?: RecordedWait[]; waitingFor?: RecordedWait };
    const waits = [...(detail.waited ?? []), ...(run.status === SyncRunStatus.QUEUED && detail.waitingFor ? [detail.waitingFor] : [])];
    if (waits.length === 0) return [];
    const ids = [...new Set(waits.map((wait) => wait.runId))].filter(isUuid);
    const others = new Map((await ctx.sql.rows<SyncRunDbRow>(ctx.sql.knex("sync_runs").whereIn("id", ids))).map((row) => [row.id, toSyncRun(row)]));
    return waits.map((wait) => {
      const other = others.get(wait.runId);
      return {
        runId: wait.runId,
        flows: wait.flows,
        since: new Date(wait.since),
        until: wait.until ? new Date(wait.until) : null,
        status: other?.status ?? null,
        counts: other?.counts ?? null,
      };
    });
  }

  @Query(() => SyncRunConnection, { description: "Sync runs, newest first." })
  syncRuns(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("status", () => SyncRunStatus, { nullable: true }) status?: SyncRunStatus,
  ) {
    const query = ctx.sql.knex("sync_runs");
    if (status) query.where({ status });
    return paginate(ctx.sql, query, RUN_ORDER, { first, after }, toSyncRun);
  }

  @Query(() => SyncRun, { nullable: true, description: "One sync run with its progress (null when unknown)." })
  async syncRun(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    if (!isUuid(id)) throw badUserInput(`A sync run id is a UUID, got "${id}"`);
    const row = await ctx.sql.first<SyncRunDbRow>(ctx.sql.knex("sync_runs").where({ id }));
    return row ? toSyncRun(row) : null;
  }

  @Mutation(() => SyncRun, { description: "Queues a sync run; the workers process it. Follow it with syncRun(id)." })
  async runSync(
    @Ctx() ctx: SubgraphContext,
    @Arg("mode", () => SyncMode, { nullable: true, description: "Default INCREMENTAL." }) mode?: SyncMode,
    @Arg("flows", () => [String], { nullable: true, description: "F1–F11; none: every flow." }) flows?: string[],
  ) {
    assertMayWrite(ctx);
    const unknown = (flows ?? []).filter((flow) => !isFlowId(flow));
    if (unknown.length > 0) throw badUserInput(`Unknown flow(s): ${unknown.join(", ")}. Flows are ${FLOW_RANGE}.`);
    const deps = queueDeps(ctx);
    const requestSyncRun = command(ctx, "requestSyncRun");
    const run = await requestSyncRun(deps, { flows, mode: mode ?? SyncMode.INCREMENTAL, requestedBy: ctx.caller.name });
    return readRun(ctx, run.id);
  }

  @Mutation(() => SyncRun, { description: "Syncs one source record now (a run limited to it); returns the queued run." })
  async syncRecord(
    @Ctx() ctx: SubgraphContext,
    @Arg("id", () => ID) id: string,
    @Arg("type", () => String, { description: "The API's type name: ContactPerson, Customer, … or customer, item, …" }) type: string,
    @Arg("system", () => SourceSystem) system: SourceSystem,
  ) {
    assertMayWrite(ctx);
    const deps = queueDeps(ctx);
    const requestRecordSync = command(ctx, "requestRecordSync");
    const run = await requestRecordSync(deps, { system, entity: type, sourceId: id, requestedBy: ctx.caller.name });
    return readRun(ctx, run.id);
  }
}
