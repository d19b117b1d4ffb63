import { randomUUID } from "node:crypto";
import type { DatasetRecord } from "../../datasets/types.js";
import { describeDataIssues } from "../../datasets/storable-text.js";
import { getRecords } from "../../datasets/read-records.js";
import { creationFlowById, flowById } from "../flows/index.js";
import { foldedEmail } from "../flows/fields.js";
import type { CreationFlowDefinition } from "../model/creation-flow-definition.js";
import type { FlowDefinition, MappedValues } from "../model/flow-definition.js";
import { QuarantineError, WaitingError } from "../model/errors.js";
import { addCounts, emptyCounts, type RunCounts, type SyncContext, type WorkItem } from "../model/types.js";
import { everPaired, powerOfficeCandidates, type PowerOfficeCandidate } from "../tables/match-candidates.js";
import { failIntent, pendingIntentOf, recordIntent } from "../tables/outbox.js";
import { CommitBuffer } from "./commit.js";
import { creationAllowed } from "./create-settings.js";
import { commitOutcomes, forEachLimited, type ItemOutcome } from "./commit-outcomes.js";
import { asDatasetRecord } from "./dataset-record.js";
import { describeFailure } from "./failures.js";

/** PowerOffice creates of one batch at the same time (each is one call; the client's budget still applies). */
const CREATE_CONCURRENCY = 4;

type Match =
  /** Unlinked PowerOffice records to pair with (a person's roles with this email, or the one company or product). */
  | { kind: "link"; records: Array<PowerOfficeCandidate & { flow: string }> }
  /** Nothing to link to without making a second record of one that exists: say why and what to do. */
  | { kind: "unmatched"; reason: string }
  | { kind: "none" };

function displayName(values: MappedValues): string | null {
  if (typeof values.company === "string") return values.company;
  if (typeof values.name === "string") return values.name;
  const person = [values.firstName, values.lastName].filter((part) => typeof part === "string").join(" ");
  return person || null;
}

/** Where the record may already be in PowerOffice. */
async function findMatch(ctx: SyncContext, flow: CreationFlowDefinition, source: DatasetRecord, values: MappedValues): Promise<Match> {
  const rule = flow.matchFor(source);
  if (rule.by === "none") return { kind: "none" };
  const candidates: Array<PowerOfficeCandidate & { flow: string }> = [];
  if (rule.by === "email") {
    const email = foldedEmail(values.email);
    if (!email) return { kind: "none" };
    for (const type of rule.poweroffice) {
      for (const found of await powerOfficeCandidates(ctx.knex, { entity: type.entity, flow: type.flow, where: type.where, email })) {
        candidates.push({ ...found, flow: type.flow });
      }
    }
  } else {
    const value = values[flowById(rule.poweroffice.flow).fields[0]!.key];
    if (typeof value !== "string") return { kind: "none" };
    const { entity, property, flow: pairedFlow, where } = rule.poweroffice;
    for (const found of await powerOfficeCandidates(ctx.knex, { entity, flow: pairedFlow, where, property: { name: property, value } })) {
      candidates.push({ ...found, flow: pairedFlow });
    }
  }
  if (candidates.length === 0) return { kind: "none" };
  const linked = candidates.filter((candidate) => candidate.unifiedId !== null);
  const what = `Chargebee ${flow.source.entity.replace(/_/g, " ")} ${source.sourceId}`;
  if (linked.length > 0) {
    const first = linked[0]!;
    const others = first.chargebeeIds.length > 0 ? `Chargebee ${first.chargebeeIds.join(", ")}` : "another record";
    return {
      kind: "unmatched",
      reason:
        `PowerOffice ${first.entity} ${first.sourceId} matches ${what} (${rule.by === "email" ? "same email" : "same name"}) but is linked to ${others} already, ` +
        `so it is not created a second time: merge the two in Chargebee, or link ${source.sourceId} by hand`,
    };
  }
  if (rule.by === "name" && candidates.length > 1) {
    return {
      kind: "unmatched",
      reason: `${candidates.length} PowerOffice ${rule.poweroffice.entity} records match ${what} by name (${candidates.map((c) => c.sourceId).join(", ")}): link one by hand`,
    };
  }
  return { kind: "link", records: candidates };
}

/** Decides one Chargebee record of a creation flow into the item's buffer: skip, link, create, or say why not. */
class CreationProcessor {
  constructor(
    private readonly ctx: SyncContext,
    private readonly buffer: CommitBuffer,
  ) {}

  private state(flowId: string, record: DatasetRecord, status: "done" | "quarantined" | "unmatched", reason: string | null): void {
    this.buffer.recordState(flowId, record, status, reason);
  }

  private event(
    flow: CreationFlowDefinition,
    record: DatasetRecord,
    action: string,
    unifiedId: string | null,
    detail: Record<string, unknown>,
  ): void {
    this.buffer.events.push({ unifiedId, flow: flow.id, system: record.system, entity: record.entity, sourceId: record.sourceId, action, detail });
  }

  private quarantine(flow: CreationFlowDefinition, record: DatasetRecord, reason: string): void {
    if (this.ctx.dryRun) this.ctx.plan?.quarantined.push({ flow: flow.id, entity: record.entity, id: record.sourceId, reason });
    this.buffer.quarantineRecord(flow.id, record, reason);
  }

  async process(flow: CreationFlowDefinition, source: DatasetRecord | undefined): Promise<void> {
    this.buffer.counts.seen += 1;
    if (!source || source.deleted) return;
    try {
      await this.decide(flow, source);
    } catch (error) {
      const failure = describeFailure(error);
      if (error instanceof QuarantineError) this.quarantine(flow, source, error.reason);
      else if (error instanceof WaitingError) {
        // No state is written: the record is planned again on the next run, until what it waits for is linked.
        this.buffer.counts.waiting += 1;
        this.event(flow, source, "skip", null, { waiting: error.reason });
      } else if (failure.refusal) this.quarantine(flow, source, failure.refusal);
      else if (!failure.transient) {
        this.ctx.logger.error(
          { err: error, flow: flow.id, sourceId: source.sourceId },
          `Chargebee ${source.entity} ${source.sourceId} could not be processed: quarantined`,
        );
        this.quarantine(
          flow,
          source,
          `Chargebee ${source.entity} ${source.sourceId} could not be processed (${failure.message}); the rest of the sync went on. ` +
            "If the record looks right, this is a bug in the sync: report it with this message, then retry the record (retryQuarantined)",
        );
      } else {
        this.buffer.counts.errors += 1;
        this.ctx.logger.warn(
          { err: error, flow: flow.id, sourceId: source.sourceId },
          `sync write failed; the record is tried again on the next run: ${failure.message}`,
        );
        this.event(flow, source, "error", null, { message: failure.message });
      }
    }
  }

  private async decide(flow: CreationFlowDefinition, source: DatasetRecord): Promise<void> {
    const skip = flow.skipReason(source, this.ctx.settings);
    if (skip) {
      this.state(flow.id, source, "done", `not carried to PowerOffice: ${skip}`);
      this.buffer.counts.unchanged += 1;
      return;
    }
    // Paired since it was planned (a forward flow of this run linked it, or a crash left our record to be found).
    if (await everPaired(this.ctx.knex, source)) {
      const pending = await pendingIntentOf(this.ctx.knex, { system: "poweroffice", entity: flow.target.entity, lookupKey: source.sourceId });
      if (pending) this.buffer.outboxSettled.push({ id: pending.id, resultId: null });
      this.state(flow.id, source, "done", null);
      this.buffer.counts.unchanged += 1;
      return;
    }
    if (source.dataIssues && source.dataIssues.length > 0) {
      throw new QuarantineError(
        `Chargebee ${source.entity} ${source.sourceId}: ${describeDataIssues(source.dataIssues)}. That text cannot be synced as it is (the exact original is kept in the datasets' raw copy); correct it in Chargebee, and the record syncs when it changes`,
      );
    }
    const paired = flow.pairedFlow ? flowById(flow.pairedFlow(source)) : null;
    const values = paired ? paired.fromChargebee(source) : await flow.values!(this.ctx, source);
    const problem = flow.validate(values, source);
    if (problem) throw new QuarantineError(problem);

    // An earlier attempt may have made the record and crashed before its commit: find that one by its key first.
    const pending = await pendingIntentOf(this.ctx.knex, { system: "poweroffice", entity: flow.target.entity, lookupKey: source.sourceId });
    if (pending) return this.create(flow, paired, source, values);
    const match = await findMatch(this.ctx, flow, source, values);
    if (match.kind === "link") return this.link(flow, source, values, match.records);
    if (match.kind === "unmatched") {
      this.state(flow.id, source, "unmatched", match.reason);
      this.event(flow, source, "unmatched", null, { reason: match.reason });
      return;
    }
    const allowed = creationAllowed(this.ctx.settings, flow.id, "poweroffice");
    if (!allowed.allowed) {
      const reason = `No PowerOffice record matches Chargebee ${source.entity} ${source.sourceId}, and ${allowed.why}: create it in PowerOffice or link it by hand`;
      this.state(flow.id, source, "unmatched", reason);
      return;
    }
    await this.create(flow, paired, source, values);
  }

  /** Pairs the record with PowerOffice records that exist: linked as by hand, so the paired flow compares them next. */
  private link(
    flow: CreationFlowDefinition,
    source: DatasetRecord,
    values: MappedValues,
    records: Array<PowerOfficeCandidate & { flow: string }>,
  ): void {
    if (this.ctx.dryRun) {
      for (const record of records) {
        this.ctx.plan?.writes.push({
          flow: flow.id,
          action: "link",
          system: "poweroffice",
          entity: record.entity,
          id: record.sourceId,
          source: { system: "chargebee", entity: source.entity, id: source.sourceId },
        });
      }
      return;
    }
    const unifiedId = randomUUID();
    for (const record of records) {
      for (const side of [
        { system: "poweroffice" as const, entity: record.entity, sourceId: record.sourceId, changedAt: null },
        { system: "chargebee" as const, entity: source.entity, sourceId: source.sourceId, changedAt: null },
      ]) {
        this.buffer.link({
          unifiedId,
          system: side.system,
          entity: side.entity,
          sourceId: side.sourceId,
          flow: record.flow,
          agreed: {},
          agreedSourceChangedAt: side.changedAt,
          status: "active",
        });
      }
    }
    this.buffer.unified.set(unifiedId, {
      id: unifiedId,
      kind: flow.kind,
      agreed: {},
      email: foldedEmail(values.email),
      name: displayName(values),
      syncState: "synced",
    });
    this.state(flow.id, source, "done", null);
    this.buffer.counts.unchanged += 1;
    this.event(flow, source, "link", unifiedId, { poweroffice: records.map((record) => `${record.entity} ${record.sourceId}`) });
  }

  private async create(flow: CreationFlowDefinition, paired: FlowDefinition | null, source: DatasetRecord, values: MappedValues): Promise<void> {
    if (this.ctx.dryRun) {
      this.ctx.plan?.writes.push({
        flow: flow.id,
        action: "create",
        system: "poweroffice",
        entity: flow.target.entity,
        id: `(new, ${source.sourceId})`,
        source: { system: "chargebee", entity: source.entity, id: source.sourceId },
        fields: values,
      });
      this.buffer.counts.created += 1;
      return;
    }
    const { entry, recovered } = await recordIntent(this.ctx.knex, {
      system: "poweroffice",
      entity: flow.target.entity,
      operation: "create",
      flow: flow.id,
      lookupKey: source.sourceId,
      payload: { chargebeeEntity: source.entity, chargebeeId: source.sourceId },
    });
    const ended = this.ctx.writes?.writeStarted("poweroffice");
    let apiCalls = 0;
    let result;
    try {
      result = await flow.createInPowerOffice(this.ctx, { source, values, outbox: { id: entry.id, attempts: entry.attempts, recovered } });
      apiCalls = result.apiCalls;
    } catch (error) {
      // A create PowerOffice refused made nothing: the intent is closed, so a later attempt does not look it up first.
      if (describeFailure(error).refusal) await failIntent(this.ctx.knex, entry.id, error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      ended?.(apiCalls);
    }
    this.buffer.counts.apiCalls += result.apiCalls;
    for (const id of result.outboxIds ?? []) this.buffer.outboxSettled.push({ id, resultId: result.id });
    const created = result.records.map(asDatasetRecord);
    for (const [index, record] of result.records.entries()) this.buffer.datasetRecords.push({ ...record, contentHash: created[index]!.contentHash });
    const target = created.find((record) => record.entity === flow.target.entity);
    if (!target) throw new Error(`The create of a PowerOffice ${flow.target.entity} for ${source.sourceId} returned no ${flow.target.entity} record`);

    const unifiedId = randomUUID();
    for (const side of [target, source]) {
      this.buffer.link({
        unifiedId,
        system: side.system,
        entity: side.entity,
        sourceId: side.sourceId,
        flow: paired?.id ?? flow.id,
        agreed: values,
        agreedSourceChangedAt: side.sourceChangedAt,
        status: "active",
      });
      // Both sides are in the agreed state: the paired flow has nothing to do until one of them changes.
      if (paired) this.state(paired.id, side, "done", null);
    }
    this.buffer.unified.set(unifiedId, {
      id: unifiedId,
      kind: flow.kind,
      agreed: values,
      email: foldedEmail(values.email),
      name: flow.unifiedName?.(source, target) ?? displayName(values),
      syncState: "synced",
    });
    this.state(flow.id, source, "done", null);
    this.buffer.counts.created += 1;
    this.event(flow, source, "create", unifiedId, {
      poweroffice: `${target.entity} ${target.sourceId}`,
      existing: result.existing ?? false,
      ...(result.warnings && result.warnings.length > 0 ? { warnings: result.warnings } : {}),
    });
    for (const warning of result.warnings ?? []) this.ctx.logger.warn({ flow: flow.id, sourceId: source.sourceId }, warning);
    this.buffer.fieldChanges.push({
      unifiedId,
      flow: flow.id,
      system: target.system,
      entity: target.entity,
      sourceId: target.sourceId,
      field: null,
      before: null,
      after: values,
      why: "created",
    });
  }
}

/**
 * One batch of a creation flow (F10, F11): each Chargebee record is skipped (ours, not a product), linked to the
 * PowerOffice record it matches, or created in PowerOffice once (outbox, lookup by the Chargebee id), and the pair
 * handed to the paired flow. One record never stops the rest; the batch commits as process.ts's batches do.
 */
export async function processCreationWork(ctx: SyncContext, items: readonly WorkItem[]): Promise<RunCounts> {
  const records = items.flatMap((item) => item.records);
  const sources = new Map<string, DatasetRecord>();
  const byFlow = new Map<string, string[]>();
  for (const record of records) byFlow.set(record.flow, [...(byFlow.get(record.flow) ?? []), record.sourceId]);
  for (const [flowId, ids] of byFlow) {
    const flow = creationFlowById(flowId);
    for (const record of await getRecords(ctx.knex, "chargebee", flow.source.entity, ids)) sources.set(`${flowId}\u0000${record.sourceId}`, record);
  }
  const outcomes: ItemOutcome[] = [];
  await forEachLimited(items, CREATE_CONCURRENCY, async (item) => {
    const buffer = new CommitBuffer();
    const processor = new CreationProcessor(ctx, buffer);
    for (const record of item.records) await processor.process(creationFlowById(record.flow), sources.get(`${record.flow}\u0000${record.sourceId}`));
    outcomes.push({ item, buffer });
    ctx.writes?.itemDone();
  });
  const counts = emptyCounts();
  for (const outcome of outcomes) addCounts(counts, outcome.buffer.counts);
  await ctx.progress.add(ctx.commitCounts && !ctx.dryRun ? { apiCalls: counts.apiCalls } : counts);
  if (!ctx.dryRun) await commitOutcomes(ctx, (flow, sourceId) => sources.get(`${flow}\u0000${sourceId}`), outcomes, new CommitBuffer());
  const final = emptyCounts();
  for (const outcome of outcomes) addCounts(final, outcome.buffer.counts);
  return final;
}
