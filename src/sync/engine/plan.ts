import { anyFlowById, creationFlowById, flowById, FLOW_IDS, isCreationFlowId } from "../flows/index.js";
import {
  changedChildRecords,
  changedSourceRecords,
  changedTargetRecords,
  unpairedChargebeeRecords,
  type Candidate,
} from "../tables/changed-records.js";
import { refreshStatistics } from "./statistics.js";
import { type FlowSelection, type SyncContext, type WorkItem, type WorkRecord, type WorkStage, type FlowKey } from "../model/types.js";

/** The flows to run, with each child flow (F9) folded into its parent's stage. */
export function selectedFlows(flows: readonly FlowKey[] | undefined): FlowKey[] {
  const wanted = new Set(flows && flows.length > 0 ? flows : FLOW_IDS);
  return FLOW_IDS.filter((id) => wanted.has(id));
}

/**
 * Stages in dependency order: a flow runs after every selected flow it depends on (an order after its customers and
 * products). Flows of one group (people: F1, F2, F3) always share a stage so their records are decided together.
 */
export function stageFlows(flows: readonly FlowKey[]): FlowKey[][] {
  const selected = new Set(flows);
  const level = new Map<FlowKey, number>();
  const visiting = new Set<FlowKey>();
  const levelOf = (id: FlowKey): number => {
    const known = level.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) throw new Error(`Flow dependencies form a cycle at ${id}`);
    visiting.add(id);
    const flow = anyFlowById(id);
    const parent = "parent" in flow ? flow.parent?.flow : undefined;
    let value = 0;
    if (parent && selected.has(parent)) value = levelOf(parent);
    else for (const dependency of flow.dependsOn) if (selected.has(dependency)) value = Math.max(value, levelOf(dependency) + 1);
    visiting.delete(id);
    level.set(id, value);
    return value;
  };
  for (const id of flows) levelOf(id);
  // One stage for a whole group: the deepest level of its members.
  const groupLevel = new Map<string, number>();
  for (const id of flows) {
    const group = groupOf(id);
    if (group) groupLevel.set(group, Math.max(groupLevel.get(group) ?? 0, level.get(id)!));
  }
  for (const id of flows) {
    const group = groupOf(id);
    if (group) level.set(id, groupLevel.get(group)!);
  }
  const stages: FlowKey[][] = [];
  for (const id of flows) (stages[level.get(id)!] ??= []).push(id);
  return stages.filter((stage) => stage && stage.length > 0);
}

function groupOf(id: FlowKey): string | undefined {
  return isCreationFlowId(id) ? undefined : flowById(id).group?.name;
}

/** Groups candidates into work items: one per record, or one per group key (people sharing an email). */
export function toWorkItems(candidates: readonly Candidate[]): WorkItem[] {
  const items = new Map<string, WorkItem>();
  const seen = new Set<string>();
  for (const candidate of candidates) {
    const recordKey = `${candidate.flow}:${candidate.source_id}`;
    if (seen.has(recordKey)) continue;
    seen.add(recordKey);
    const group = isCreationFlowId(candidate.flow) ? undefined : flowById(candidate.flow).group;
    const groupKey = group?.keyOf({ sourceId: candidate.source_id, email: candidate.email, name: candidate.name });
    const key = group && groupKey ? `${group.name}:${groupKey}` : recordKey;
    const record: WorkRecord = { flow: candidate.flow, sourceId: candidate.source_id };
    const item = items.get(key);
    if (item) item.records.push(record);
    else items.set(key, { key, records: [record] });
  }
  // Within a group, a stable order (flow, then id) makes the first record, and so the deterministic id, the same
  // on every attempt.
  for (const item of items.values()) {
    item.records.sort((a, b) => a.flow.localeCompare(b.flow) || compareIds(a.sourceId, b.sourceId));
  }
  return [...items.values()];
}

function compareIds(a: string, b: string): number {
  return /^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a.localeCompare(b);
}

/**
 * Phase 2 planning: what each stage must process. Only records whose content changed since their flow processed
 * them (on either side) are planned, so a plan right after a sync is empty. Safe to call again after a crash.
 */
export async function planWork(ctx: SyncContext, selection: FlowSelection): Promise<WorkStage[]> {
  const flows = selectedFlows(selection.flows);
  await refreshStatistics(ctx.knex);
  // The candidate queries only read, and none needs another's answer: on PostgreSQL they run side by side on the
  // pool (a poll's planning is most of its time); the embedded database has one connection and takes them in turn.
  const planned = await Promise.all(
    stageFlows(flows).map(async (stage) => {
      const lists = await Promise.all(
        stage.flatMap((id) => {
          if (isCreationFlowId(id)) return [unpairedChargebeeRecords(ctx.knex, creationFlowById(id))];
          const flow = flowById(id);
          const parent = flow.parent ? flowById(flow.parent.flow) : undefined;
          if (parent) return [changedChildRecords(ctx.knex, flow, parent)];
          return [changedSourceRecords(ctx.knex, flow), changedTargetRecords(ctx.knex, flow)];
        }),
      );
      return { flows: stage, items: toWorkItems(lists.flat()) };
    }),
  );
  return planned.filter((stage) => stage.items.length > 0);
}
