import { randomUUID } from "node:crypto";
import { describeDataIssues } from "../../datasets/storable-text.js";
import type { DatasetRecord } from "../../datasets/types.js";
import { asDatasetRecord } from "./dataset-record.js";
import { isRefusal, isTransient } from "./failures.js";
import { commitOutcomes, forEachLimited, type ItemOutcome } from "./commit-outcomes.js";
import { QuarantineError, WaitingError } from "../model/errors.js";
import { flowById, isCreationFlowId } from "../flows/index.js";
import { processCreationWork } from "./create-in-poweroffice.js";
import { creationAllowed } from "./create-settings.js";
import { foldedEmail, sameValue } from "../flows/fields.js";
import { OVERRIDE_ORIGINS_KEY, OVERRIDES_KEY, type LinkRow, type OverrideOrigin } from "../tables/links.js";
import { propagate } from "./propagate.js";
import { conflictPolicyOf } from "../model/conflict-policy.js";
import { CommitBuffer, type FieldChangeInsert } from "./commit.js";
import type { FlowDefinition, MappedValues, PreparedIntent, RelatedRecords, WriteResult } from "../model/flow-definition.js";
import { recordIntents, type OutboxIntent } from "../tables/outbox.js";
import { loadBatch, type BatchData, type MatchCandidate } from "./load.js";
import { refreshStatistics } from "./statistics.js";
import { addCounts, emptyCounts, type PlannedWrite, type RunCounts, type SyncContext, type WorkItem, type FlowKey } from "../model/types.js";

/** How many work items of a batch write at the same time (the clients' own budgets still apply). */
const ITEM_CONCURRENCY = 16;
/** Passes over a group when one member's write changed a record another member is linked to (a merged person). */
const MAX_GROUP_PASSES = 3;

/** A link's agreed values without the queued overrides; an empty object (a link made by hand) counts as never agreed. */
function splitAgreed(agreed: MappedValues | undefined): {
  agreed: MappedValues | null;
  overrides: MappedValues;
  origins: Readonly<Record<string, OverrideOrigin>>;
} {
  if (!agreed) return { agreed: null, overrides: {}, origins: {} };
  const { [OVERRIDES_KEY]: overrides, [OVERRIDE_ORIGINS_KEY]: origins, ...rest } = agreed;
  return {
    agreed: Object.keys(rest).length === 0 ? null : rest,
    overrides: (overrides as MappedValues | undefined) ?? {},
    origins: (origins as unknown as Record<string, OverrideOrigin> | undefined) ?? {},
  };
}

function displayName(values: MappedValues): string | null {
  for (const key of ["name", "company"]) if (typeof values[key] === "string") return values[key] as string;
  const person = [values.firstName, values.lastName].filter((part) => typeof part === "string").join(" ");
  return person || null;
}

/** What the system a record lives in calls it, and where to fix it. */
function whereToFix(record: DatasetRecord): string {
  return record.system === "poweroffice" ? "correct it in PowerOffice Go" : "correct it in Chargebee";
}

/** Text the database could not store as it is (a NUL, half a surrogate pair) in a record, an order line or the other side. */
function dataIssueProblem(
  flow: FlowDefinition,
  source: DatasetRecord,
  children: readonly DatasetRecord[],
  target: DatasetRecord | null,
): string | null {
  const records = [source, ...children, ...(target ? [target] : [])];
  const bad = records.find((record) => record.dataIssues && record.dataIssues.length > 0);
  if (!bad) return null;
  const what =
    bad === source
      ? `${flow.source.entity} ${source.sourceId}`
      : `${bad.system === "chargebee" ? "Chargebee" : "PowerOffice"} ${bad.entity} ${bad.sourceId}`;
  return (
    `${what}: ${describeDataIssues(bad.dataIssues!)}. That text cannot be synced as it is (the exact original is kept in the datasets' raw copy); ` +
    `${whereToFix(bad)}, and the record syncs when it changes`
  );
}

/** The outbox intents a batch recorded ahead of its calls, by flow and lookup key; a create takes its own. */
class BatchIntents {
  private readonly intents = new Map<string, PreparedIntent>();

  constructor(
    private readonly ctx: SyncContext,
    private readonly data: BatchData,
  ) {}

  take(flow: FlowKey, lookupKey: string): PreparedIntent | undefined {
    const intent = this.intents.get(`${flow}\u0000${lookupKey}`);
    this.intents.delete(`${flow}\u0000${lookupKey}`);
    return intent;
  }

  /** Records, in one statement, the outbox intents of the creates this batch may make. */
  async prepare(items: readonly WorkItem[]): Promise<void> {
    if (this.ctx.dryRun) return;
    const intents: OutboxIntent[] = [];
    for (const record of items.flatMap((item) => item.records)) {
      const flow = flowById(record.flow);
      if (!flow.outbox || flow.create !== "create" || this.data.powerofficeLink(record.flow, record.sourceId)) continue;
      const source = this.data.source(record.flow, record.sourceId);
      if (!source || source.deleted) continue;
      let lookupKey: string;
      try {
        lookupKey = flow.targetId(source);
      } catch {
        continue; // deciding the record quarantines it with the reason
      }
      if (this.data.target(flow.target.entity, lookupKey)) continue; // exists already: it will be linked
      intents.push({
        system: flow.outbox.system,
        entity: flow.outbox.entity,
        operation: "create",
        flow: flow.id,
        lookupKey,
        payload: { sourceId: source.sourceId },
      });
    }
    if (intents.length === 0) return;
    for (const [lookupKey, { entry, recovered }] of await recordIntents(this.ctx.knex, intents)) {
      this.intents.set(`${entry.flow}\u0000${lookupKey}`, { id: entry.id, attempts: entry.attempts, recovered });
    }
  }

  /** Intents recorded ahead that no create used; the fresh ones are dropped at commit (recovered ones stay). */
  unused(): string[] {
    return [...this.intents.values()].filter((intent) => !intent.recovered).map((intent) => intent.id);
  }
}

/** Decides and writes the records of one work item into the item's own commit buffer. */
class RecordProcessor {
  constructor(
    private readonly ctx: SyncContext,
    private readonly data: BatchData,
    private readonly buffer: CommitBuffer,
    private readonly intents: BatchIntents,
  ) {}

  private get counts(): RunCounts {
    return this.buffer.counts;
  }

  /** Runs a write, or in a dry run records what it would do and returns null. */
  private async write(planned: PlannedWrite, perform: () => Promise<WriteResult>): Promise<WriteResult | null> {
    if (this.ctx.dryRun) {
      this.ctx.plan?.writes.push(planned);
      return null;
    }
    const ended = this.ctx.writes?.writeStarted(planned.system);
    let result: WriteResult | undefined;
    try {
      result = await perform();
    } finally {
      ended?.(result?.apiCalls ?? 0);
    }
    this.counts.apiCalls += result.apiCalls;
    if (result.outboxIds) for (const id of result.outboxIds) this.buffer.outboxSettled.push({ id, resultId: result.id });
    for (const record of result.records) {
      const stored = asDatasetRecord(record);
      this.buffer.datasetRecords.push({ ...record, contentHash: stored.contentHash }); // hashed once, here
      if (record.system === "chargebee") this.data.setTarget(stored);
    }
    return result;
  }

  private rememberLink(link: LinkRow): void {
    if (link.system === "poweroffice") {
      this.data.powerofficeLinks.set(`${link.flow}\u0000${link.source_id}`, link);
      return;
    }
    const list = (this.data.chargebeeLinks.get(link.unified_id) ?? []).filter(
      (existing) => !(existing.flow === link.flow && existing.entity === link.entity),
    );
    list.push(link);
    this.data.chargebeeLinks.set(link.unified_id, list);
  }

  private saveLinks(
    flow: FlowDefinition,
    unifiedId: string,
    source: DatasetRecord,
    target: DatasetRecord,
    agreed: MappedValues,
    status: "active" | "deleted" = "active",
  ): void {
    for (const side of [source, target]) {
      const row: LinkRow = {
        id: 0,
        unified_id: unifiedId,
        system: side.system,
        entity: side.entity,
        source_id: side.sourceId,
        flow: flow.id,
        agreed,
        agreed_source_changed_at: side.sourceChangedAt,
        last_synced_at: new Date(),
        status,
      };
      this.rememberLink(row);
      this.buffer.link({
        unifiedId,
        system: side.system,
        entity: side.entity,
        sourceId: side.sourceId,
        flow: flow.id,
        agreed,
        agreedSourceChangedAt: side.sourceChangedAt,
        status,
      });
    }
    if (status === "active") {
      this.buffer.unified.set(unifiedId, {
        id: unifiedId,
        kind: flow.kind,
        agreed,
        email: foldedEmail(agreed.email),
        name: flow.unifiedName?.(source, target) ?? displayName(agreed),
        syncState: "synced",
      });
    }
  }

  private markDone(flow: FlowDefinition, record: DatasetRecord, status: "done" | "deleted" = "done", reason: string | null = null): void {
    this.buffer.recordState(flow.id, record, status, reason);
  }

  private markChildren(flow: FlowDefinition, source: DatasetRecord): void {
    if (!flow.children) return;
    const childFlow = flowById(flow.children.flow);
    for (const child of this.data.childrenOf(flow.id, source.sourceId)) this.markDone(childFlow, child);
  }

  private event(flow: FlowDefinition, record: DatasetRecord, action: string, unifiedId: string | null, detail: Record<string, unknown> = {}): void {
    this.buffer.events.push({ unifiedId, flow: flow.id, system: record.system, entity: record.entity, sourceId: record.sourceId, action, detail });
  }

  /** A line of the record's history (field_changes). */
  private change(
    flow: FlowDefinition,
    record: Pick<DatasetRecord, "system" | "entity" | "sourceId">,
    unifiedId: string,
    field: string | null,
    before: unknown,
    after: unknown,
    why: FieldChangeInsert["why"],
    who: string | null = null,
  ): void {
    this.buffer.fieldChanges.push({
      unifiedId,
      flow: flow.id,
      system: record.system,
      entity: record.entity,
      sourceId: record.sourceId,
      field,
      before,
      after,
      why,
      who,
    });
  }

  private quarantine(flow: FlowDefinition, record: DatasetRecord, reason: string): void {
    if (this.ctx.dryRun) this.ctx.plan?.quarantined.push({ flow: flow.id, entity: record.entity, id: record.sourceId, reason });
    this.buffer.quarantineRecord(flow.id, record, reason);
    // Its lines are decided with it: recorded as seen, so an unchanged line does not bring the order back every run.
    if (flow.children && record.system === "poweroffice") {
      const childFlow = flowById(flow.children.flow);
      for (const child of this.data.childrenOf(flow.id, record.sourceId)) {
        this.buffer.state({
          flow: childFlow.id,
          system: child.system,
          entity: child.entity,
          sourceId: child.sourceId,
          contentHash: child.contentHash,
          status: "quarantined",
          reason: `its ${flow.source.entity.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()} ${record.sourceId} is quarantined`,
        });
      }
    }
  }

  /** Processes one record; returns the Chargebee record it wrote, if any. */
  async process(flowId: FlowKey, sourceId: string): Promise<string | null> {
    const flow = flowById(flowId);
    const source = this.data.source(flowId, sourceId);
    this.counts.seen += 1;
    if (!source) return null; // gone from the dataset entirely (nothing to decide)
    try {
      return await this.decide(flow, source);
    } catch (error) {
      if (error instanceof QuarantineError) {
        this.quarantine(flow, source, error.reason);
        return null;
      }
      if (error instanceof WaitingError) {
        this.counts.waiting += 1;
        this.event(flow, source, "skip", null, { waiting: error.reason });
        return null;
      }
      const refusal = isRefusal(error);
      if (refusal) {
        this.quarantine(flow, source, refusal);
        return null;
      }
      const message = error instanceof Error ? error.message : String(error);
      if (!isTransient(error)) {
        this.ctx.logger.error({ err: error, flow: flow.id, sourceId }, `${flow.source.entity} ${sourceId} could not be processed: quarantined`);
        this.quarantine(
          flow,
          source,
          `${flow.source.entity} ${sourceId} could not be processed (${message}); the rest of the sync went on. ` +
            "If the record looks right, this is a bug in the sync: report it with this message, then retry the record (retryQuarantined)",
        );
        return null;
      }
      // Transient (network, 5xx after retries, rate limit): no state is written, so the next run tries again.
      this.counts.errors += 1;
      this.ctx.logger.warn({ err: error, flow: flow.id, sourceId }, `sync write failed; the record is tried again on the next run: ${message}`);
      this.event(flow, source, "error", null, { message });
      return null;
    }
  }

  private async decide(flow: FlowDefinition, source: DatasetRecord): Promise<string | null> {
    const poLink = this.data.powerofficeLink(flow.id, source.sourceId);
    const cbLink = poLink ? this.data.chargebeeLink(flow.id, poLink.unified_id, flow.target.entity) : undefined;
    const target = cbLink ? (this.data.target(flow.target.entity, cbLink.source_id) ?? null) : null;

    if (source.deleted) return this.applyPowerOfficeDelete(flow, source, poLink, cbLink, target);

    const children = this.data.childrenOf(flow.id, source.sourceId);
    const unstorable = dataIssueProblem(flow, source, children, target);
    if (unstorable) throw new QuarantineError(unstorable);
    const references = new Map<string, string>();
    for (const reference of flow.references?.(source, children) ?? []) {
      const resolved = this.data.resolve(reference);
      if (resolved) {
        if (!references.has(reference.role)) references.set(reference.role, resolved);
        continue;
      }
      if (!reference.required) continue;
      if (!this.data.referenceExists(reference)) {
        throw new QuarantineError(
          `${flow.source.entity} ${source.sourceId} refers to ${reference.poweroffice.entity} ${reference.poweroffice.sourceId}, which PowerOffice does not have; fix the reference in PowerOffice`,
        );
      }
      throw new WaitingError(`waiting for ${reference.waitingFor}`);
    }
    const related: RelatedRecords = { references, children, target };
    const values = flow.fromPowerOffice(source, related);
    const problem = flow.validate(values, source, related);
    if (problem) throw new QuarantineError(problem);
    const businessEntityId = references.get("businessEntity");

    if (poLink && cbLink && target) {
      if (target.deleted) return this.applyChargebeeDelete(flow, source, poLink.unified_id, target);
      return this.syncLinked(flow, source, target, poLink, cbLink, values, related, businessEntityId);
    }
    if (poLink && cbLink && !target) throw new WaitingError(`Chargebee ${flow.target.entity} ${cbLink.source_id} has not been read yet`);

    const match = this.findMatch(flow, source, values);
    if (match) {
      const matched = this.data.target(flow.target.entity, match.chargebeeId)!;
      if (matched.deleted)
        throw new QuarantineError(`Chargebee ${flow.target.entity} ${matched.sourceId} (our id for this record) was deleted; restore it or unlink`);
      const unstorableMatch = dataIssueProblem(flow, source, [], matched);
      if (unstorableMatch) throw new QuarantineError(unstorableMatch);
      return this.linkExisting(flow, source, matched, match.unifiedId ?? poLink?.unified_id ?? null, values, related, businessEntityId);
    }
    const allowed = flow.create === "create" ? creationAllowed(this.ctx.settings, flow.id, "chargebee") : null;
    if (flow.create === "link-only" || (allowed && !allowed.allowed)) {
      const name = displayName(values) ?? source.sourceId;
      const reason =
        allowed && !allowed.allowed
          ? `No Chargebee ${flow.target.entity.replace(/_/g, " ")} matches ${flow.source.entity} ${source.sourceId} ("${name}"), and ${allowed.why}: create it in Chargebee or link it by hand`
          : `No Chargebee ${flow.target.entity.replace(/_/g, " ")} is named "${name}": create one with that name in Chargebee, or link it by hand`;
      this.buffer.state({
        flow: flow.id,
        system: source.system,
        entity: source.entity,
        sourceId: source.sourceId,
        contentHash: source.contentHash,
        status: "unmatched",
        reason,
      });
      return null;
    }
    return this.create(flow, source, values, related, businessEntityId, poLink?.unified_id ?? null);
  }

  private findMatch(flow: FlowDefinition, source: DatasetRecord, values: MappedValues): MatchCandidate | null {
    const deterministic = flow.create === "create" ? this.data.target(flow.target.entity, flow.targetId(source)) : undefined;
    if (flow.match.by === "email") {
      const email = foldedEmail(values.email);
      if (email) {
        // A merged group member created in this batch is seen through the links remembered so far.
        const found = this.data.byEmail.get(email);
        if (found && this.data.target(flow.target.entity, found.chargebeeId)) return found;
      }
    } else if (flow.match.by === "name") {
      const name = values[flow.fields[0]!.key];
      if (typeof name === "string") {
        const found = this.data.byName.get(this.data.nameKey(flow.target.entity, flow.match.chargebeeProperty, name)) ?? [];
        const live = found.filter((candidate) => !this.data.target(flow.target.entity, candidate.chargebeeId)?.deleted);
        if (live.length > 1 && flow.create === "link-only") {
          throw new QuarantineError(
            `${live.length} Chargebee ${flow.target.entity.replace(/_/g, " ")}s are named "${name}" (${live.map((c) => c.chargebeeId).join(", ")}); link one by hand`,
          );
        }
        if (live[0]) return live[0];
      }
    }
    if (deterministic) return { chargebeeId: deterministic.sourceId, unifiedId: null };
    return null;
  }

  private async create(
    flow: FlowDefinition,
    source: DatasetRecord,
    values: MappedValues,
    related: RelatedRecords,
    businessEntityId: string | undefined,
    existingUnifiedId: string | null,
  ): Promise<string | null> {
    const create = flow.writers.createInChargebee;
    if (!create) throw new QuarantineError(`Flow ${flow.id} cannot create Chargebee ${flow.target.entity} records`);
    const id = flow.targetId(source);
    const result = await this.write(
      {
        flow: flow.id,
        action: "create",
        system: "chargebee",
        entity: flow.target.entity,
        id,
        source: { system: "poweroffice", entity: source.entity, id: source.sourceId },
        fields: values,
      },
      () => {
        const outbox = this.intents.take(flow.id, id);
        return create(this.ctx, { id, values, source, related, businessEntityId, idempotencyKey: `create-${flow.target.entity}-${id}`, outbox });
      },
    );
    this.counts.created += 1;
    if (!result) return null;
    const target = this.data.target(flow.target.entity, result.id);
    if (!target) throw new Error(`The create of ${flow.target.entity} ${result.id} returned no ${flow.target.entity} record`);
    const unifiedId = existingUnifiedId ?? randomUUID();
    this.saveLinks(flow, unifiedId, source, target, values);
    this.rememberMatch(flow, values, target.sourceId, unifiedId);
    this.markDone(flow, source);
    this.markDone(flow, target);
    this.markChildren(flow, source);
    this.event(flow, source, "create", unifiedId, { chargebeeId: target.sourceId, existing: result.existing ?? false });
    this.change(flow, target, unifiedId, null, null, values, "created");
    return target.sourceId;
  }

  private rememberMatch(flow: FlowDefinition, values: MappedValues, chargebeeId: string, unifiedId: string): void {
    if (flow.match.by !== "email") return;
    const email = foldedEmail(values.email);
    // A Chargebee customer found unlinked has no unified record yet; the first link made one for the whole group.
    const known = email ? this.data.byEmail.get(email) : undefined;
    if (email && (!known || known.unifiedId === null)) this.data.byEmail.set(email, { chargebeeId, unifiedId });
  }

  /** A first link to a record that exists already (merge by email, exact name, or our id from a lost commit). */
  private async linkExisting(
    flow: FlowDefinition,
    source: DatasetRecord,
    target: DatasetRecord,
    unifiedIdOfMatch: string | null,
    values: MappedValues,
    related: RelatedRecords,
    businessEntityId: string | undefined,
  ): Promise<string | null> {
    // The Chargebee record may already belong to a unified record through another flow (a person in two roles).
    const unifiedId = unifiedIdOfMatch ?? randomUUID();
    const outcome = await this.reconcile(flow, source, target, null, null, values, { ...related, target }, businessEntityId, unifiedId);
    this.rememberMatch(flow, outcome.agreed, target.sourceId, unifiedId);
    if (outcome.wrote) this.counts.updated += 1;
    else this.counts.unchanged += 1;
    this.event(flow, source, "link", unifiedId, { chargebeeId: target.sourceId, wrote: outcome.wrote });
    return outcome.wroteChargebee ? target.sourceId : null;
  }

  private async syncLinked(
    flow: FlowDefinition,
    source: DatasetRecord,
    target: DatasetRecord,
    poLink: LinkRow,
    cbLink: LinkRow,
    values: MappedValues,
    related: RelatedRecords,
    businessEntityId: string | undefined,
  ): Promise<string | null> {
    const outcome = await this.reconcile(flow, source, target, poLink, cbLink, values, related, businessEntityId, poLink.unified_id);
    if (outcome.wrote) this.counts.updated += 1;
    else this.counts.unchanged += 1;
    return outcome.wroteChargebee ? target.sourceId : null;
  }

  /** Compares both sides with the agreed values, writes what changed to the other side, records the new agreement. */
  private async reconcile(
    flow: FlowDefinition,
    source: DatasetRecord,
    target: DatasetRecord,
    poLink: LinkRow | null,
    cbLink: LinkRow | null,
    values: MappedValues,
    related: RelatedRecords,
    businessEntityId: string | undefined,
    unifiedId: string,
  ): Promise<{ wrote: boolean; wroteChargebee: boolean; agreed: MappedValues }> {
    const fieldKeys = new Set(flow.fields.map((field) => field.key));
    const { agreed: poAgreed, overrides, origins } = splitAgreed(poLink?.agreed);
    const cbAgreed = splitAgreed(cbLink?.agreed).agreed;
    const chargebeeValues = flow.fromChargebee(target);
    const result = propagate({
      fields: flow.fields,
      extraKeys: Object.keys(values).filter((key) => !fieldKeys.has(key)),
      poweroffice: { values, agreed: poAgreed && cbAgreed ? poAgreed : null, changedAt: source.sourceChangedAt },
      chargebee: { values: chargebeeValues, agreed: poAgreed && cbAgreed ? cbAgreed : null, changedAt: target.sourceChangedAt },
      direction: flow.direction,
      priority: this.ctx.settings.priority,
      policyOf: (key) => conflictPolicyOf(this.ctx.settings.conflictPolicy, flow.id, key),
    });
    // Values a person chose (resolveConflict, a mutation) are written to whichever side differs.
    for (const [key, value] of Object.entries(overrides)) {
      const field = flow.fields.find((spec) => spec.key === key);
      result.agreed[key] = value;
      result.conflicts = result.conflicts.filter((conflict) => conflict.field !== key);
      delete result.toChargebee[key];
      delete result.toPowerOffice[key];
      if (!sameValue(field, chargebeeValues[key], value)) result.toChargebee[key] = value;
      if (!sameValue(field, values[key], value)) result.toPowerOffice[key] = value;
    }
    const overridden = new Set(Object.keys(overrides));
    const conflicted = new Set(result.conflicts.map((conflict) => conflict.field));
    const whyWritten = (key: string): FieldChangeInsert["why"] =>
      overridden.has(key) ? (origins[key]?.why ?? "resolution") : conflicted.has(key) ? "conflict" : "sync";
    const whoWrote = (key: string): string | null => (overridden.has(key) ? (origins[key]?.who ?? null) : null);
    if (poAgreed && cbAgreed) {
      const specs = new Map(flow.fields.map((field) => [field.key, field]));
      for (const key of new Set([...fieldKeys, ...Object.keys(values)])) {
        if (!sameValue(specs.get(key), values[key], poAgreed[key]))
          this.change(flow, source, unifiedId, key, poAgreed[key] ?? null, values[key] ?? null, "detected");
      }
      if (flow.direction === "two-way") {
        for (const key of fieldKeys) {
          if (!sameValue(specs.get(key), chargebeeValues[key], cbAgreed[key]))
            this.change(flow, target, unifiedId, key, cbAgreed[key] ?? null, chargebeeValues[key] ?? null, "detected");
        }
      }
    }
    // One-way flows compare with what was agreed, not with Chargebee's own representation (an invoice's lines).
    if (flow.direction === "poweroffice-to-chargebee" && poAgreed) {
      for (const key of Object.keys(result.toChargebee)) {
        if (JSON.stringify(poAgreed[key] ?? null) === JSON.stringify(values[key] ?? null)) delete result.toChargebee[key];
      }
    } else if (flow.direction === "poweroffice-to-chargebee") {
      for (const key of Object.keys(result.toChargebee)) delete result.toChargebee[key]; // a first link takes the record as it is
    }
    if (Object.keys(result.toPowerOffice).length > 0) {
      const problem = flow.validate(result.agreed, source, related);
      if (problem) throw new QuarantineError(`The change from Chargebee cannot be written to PowerOffice: ${problem}`);
    }
    let wrote = false;
    let wroteChargebee = false;
    let finalTarget = target;
    let finalSource = source;
    if (Object.keys(result.toChargebee).length > 0) {
      const update = flow.writers.updateInChargebee;
      if (!update) {
        throw new QuarantineError(
          `${flow.source.entity} ${source.sourceId} changed (${Object.keys(result.toChargebee).join(", ")}) but Chargebee's API cannot change ${flow.target.entity.replace(/_/g, " ")}s: make the same change in Chargebee's admin`,
        );
      }
      const written = await this.write(
        {
          flow: flow.id,
          action: "update",
          system: "chargebee",
          entity: flow.target.entity,
          id: target.sourceId,
          source: { system: "poweroffice", entity: source.entity, id: source.sourceId },
          fields: result.toChargebee,
        },
        () =>
          update(this.ctx, { id: target.sourceId, changes: result.toChargebee, values: result.agreed, target, source, related, businessEntityId }),
      );
      wrote = true;
      wroteChargebee = true;
      if (written) finalTarget = this.data.target(flow.target.entity, target.sourceId) ?? target;
      for (const [key, value] of Object.entries(result.toChargebee)) {
        this.change(flow, target, unifiedId, key, chargebeeValues[key] ?? null, value, whyWritten(key), whoWrote(key));
      }
    }
    if (Object.keys(result.toPowerOffice).length > 0 && flow.direction === "two-way") {
      const update = flow.writers.updateInPowerOffice;
      if (!update) throw new QuarantineError(`Flow ${flow.id} cannot write to PowerOffice`);
      const written = await this.write(
        {
          flow: flow.id,
          action: "update",
          system: "poweroffice",
          entity: source.entity,
          id: source.sourceId,
          source: { system: "chargebee", entity: target.entity, id: target.sourceId },
          fields: result.toPowerOffice,
        },
        () => update(this.ctx, { record: source, changes: result.toPowerOffice }),
      );
      wrote = true;
      for (const [key, value] of Object.entries(result.toPowerOffice))
        this.change(flow, source, unifiedId, key, values[key] ?? null, value, whyWritten(key), whoWrote(key));
      if (written) {
        const updated = written.records.find((record) => record.system === "poweroffice");
        if (updated) {
          finalSource = asDatasetRecord(updated);
          this.data.sources.set(`${flow.id}\u0000${source.sourceId}`, finalSource);
        }
      }
    }
    for (const conflict of result.conflicts) {
      this.counts.conflicts += 1;
      this.buffer.conflicts.push({
        unifiedId,
        flow: flow.id,
        field: conflict.field,
        agreedValue: conflict.agreed,
        powerofficeValue: conflict.poweroffice,
        chargebeeValue: conflict.chargebee,
        powerofficeChangedAt: source.sourceChangedAt,
        chargebeeChangedAt: target.sourceChangedAt,
        winner: conflict.winner,
        policy: conflict.policy,
        reason: conflict.reason,
      });
      this.event(flow, source, "conflict", unifiedId, { ...conflict });
    }
    for (const field of result.agreedManual) this.buffer.settledManualConflicts.push({ unifiedId, flow: flow.id, field });
    this.saveLinks(flow, unifiedId, finalSource, finalTarget, result.agreed);
    this.markDone(flow, finalSource);
    this.markDone(flow, finalTarget);
    this.markChildren(flow, source);
    if (wrote) this.event(flow, source, "update", unifiedId, { toChargebee: result.toChargebee, toPowerOffice: result.toPowerOffice });
    return { wrote, wroteChargebee, agreed: result.agreed };
  }

  private async applyPowerOfficeDelete(
    flow: FlowDefinition,
    source: DatasetRecord,
    poLink: LinkRow | undefined,
    cbLink: LinkRow | undefined,
    target: DatasetRecord | null,
  ): Promise<string | null> {
    if (!poLink) {
      this.markDone(flow, source, "deleted");
      return null;
    }
    let wrote: string | null = null;
    if (flow.deletePolicy.powerofficeDeleted === "retire-in-chargebee" && cbLink && target && !target.deleted) {
      const retire = flow.writers.retireInChargebee;
      if (retire) {
        await this.write(
          {
            flow: flow.id,
            action: "delete",
            system: "chargebee",
            entity: flow.target.entity,
            id: target.sourceId,
            source: { system: "poweroffice", entity: source.entity, id: source.sourceId },
          },
          () => retire(this.ctx, { id: target.sourceId, target }),
        );
        wrote = target.sourceId;
      }
    }
    this.counts.deleted += 1;
    const finalTarget = target ? (this.data.target(target.entity, target.sourceId) ?? target) : null;
    if (finalTarget) {
      this.saveLinks(flow, poLink.unified_id, source, finalTarget, poLink.agreed, "deleted");
      this.markDone(flow, finalTarget, "deleted");
    } else {
      this.buffer.link({
        unifiedId: poLink.unified_id,
        system: "poweroffice",
        entity: source.entity,
        sourceId: source.sourceId,
        flow: flow.id,
        agreed: poLink.agreed,
        agreedSourceChangedAt: source.sourceChangedAt,
        status: "deleted",
      });
    }
    this.markDone(flow, source, "deleted");
    this.event(flow, source, wrote ? "delete" : "unlink", poLink.unified_id, {
      policy: flow.deletePolicy.powerofficeDeleted,
      chargebeeId: target?.sourceId ?? null,
    });
    return wrote;
  }

  private applyChargebeeDelete(flow: FlowDefinition, source: DatasetRecord, unifiedId: string, target: DatasetRecord): null {
    const link = this.data.powerofficeLink(flow.id, source.sourceId);
    this.saveLinks(flow, unifiedId, source, target, link?.agreed ?? {}, "deleted");
    this.markDone(flow, source, "deleted", `Chargebee ${target.entity} ${target.sourceId} was deleted; the link is closed`);
    this.markDone(flow, target, "deleted");
    this.counts.deleted += 1;
    this.event(flow, source, "unlink", unifiedId, {
      policy: flow.deletePolicy.chargebeeDeleted,
      chargebeeId: target.sourceId,
      deletedIn: "chargebee",
    });
    return null;
  }
}

/** Processes one item: its records in order, again while one member's write changed another member's record. */
async function processItem(processor: RecordProcessor, data: BatchData, item: WorkItem): Promise<void> {
  const writtenBy = new Map<string, number>();
  for (const [index, record] of item.records.entries()) {
    const wrote = await processor.process(record.flow, record.sourceId);
    if (wrote) writtenBy.set(wrote, index);
  }
  if (item.records.length < 2 || writtenBy.size === 0) return;
  for (let pass = 1; pass < MAX_GROUP_PASSES; pass += 1) {
    const again = item.records.filter((record, index) => {
      const link = data.powerofficeLink(record.flow, record.sourceId);
      if (!link) return false;
      const target = data.chargebeeLink(record.flow, link.unified_id, flowById(record.flow).target.entity);
      const writer = target ? writtenBy.get(target.source_id) : undefined;
      return writer !== undefined && writer !== index;
    });
    if (again.length === 0) return;
    writtenBy.clear();
    for (const record of again) {
      const wrote = await processor.process(record.flow, record.sourceId);
      if (wrote) writtenBy.set(wrote, item.records.indexOf(record));
    }
    if (writtenBy.size === 0) return;
  }
}

/**
 * Phase 2 for one batch: decide every record, make the writes, and commit decisions, outcomes and links together.
 * Idempotent: a batch retried after a crash re-plans from the dataset and the link table, and creates find our
 * deterministic ids (or the outbox) instead of writing twice. One record never stops the rest: its errors
 * quarantine it (or leave it for the next run), and a commit the database refuses is narrowed down to its item.
 */
export async function processWork(ctx: SyncContext, items: readonly WorkItem[]): Promise<RunCounts> {
  if (items.length === 0) return emptyCounts();
  const creations = items.filter((item) => isCreationFlowId(item.records[0]!.flow));
  if (creations.length > 0) {
    const counts = await processCreationWork(ctx, creations);
    if (creations.length === items.length) return counts;
    return addCounts(
      counts,
      await processWork(
        ctx,
        items.filter((item) => !creations.includes(item)),
      ),
    );
  }
  // Earlier batches of this run added the links and records this one joins: plan with their real sizes.
  await refreshStatistics(ctx.knex, { tolerance: 1 });
  const data = await loadBatch(ctx.knex, items);
  const intents = new BatchIntents(ctx, data);
  await intents.prepare(items);
  const outcomes: ItemOutcome[] = [];
  await forEachLimited(items, ITEM_CONCURRENCY, async (item) => {
    const buffer = new CommitBuffer();
    await processItem(new RecordProcessor(ctx, data, buffer, intents), data, item);
    outcomes.push({ item, buffer });
    ctx.writes?.itemDone();
  });
  const counts = emptyCounts();
  for (const outcome of outcomes) addCounts(counts, outcome.buffer.counts);
  // The calls were made whatever the commit does next; the decisions count once they are committed.
  await ctx.progress.add(ctx.commitCounts && !ctx.dryRun ? { apiCalls: counts.apiCalls } : counts);
  const batchWide = new CommitBuffer();
  batchWide.outboxUnused.push(...intents.unused());
  if (!ctx.dryRun) await commitOutcomes(ctx, (flow, sourceId) => data.source(flow, sourceId), outcomes, batchWide);
  // Bisection may have quarantined an item: its counts changed in place.
  const final = emptyCounts();
  for (const outcome of outcomes) addCounts(final, outcome.buffer.counts);
  return final;
}
