import { CHARGEBEE_DATASET_ENTITIES } from "../../connectors/chargebee/index.js";
import { powerOfficeEntities } from "../../connectors/poweroffice/index.js";
import type { CreationFlowDefinition } from "../model/creation-flow-definition.js";
import type { FlowDefinition } from "../model/flow-definition.js";

/** The dataset types the readers know how to read and store, per system. */
const KNOWN_TYPES = {
  poweroffice: new Set<string>(powerOfficeEntities()),
  chargebee: new Set<string>(CHARGEBEE_DATASET_ENTITIES),
};

/** What is wrong with one flow, in words that name the property to set. */
function problemsOf(key: string, flow: FlowDefinition, registry: Readonly<Record<string, FlowDefinition>>): string[] {
  const problems: string[] = [];
  const known = (id: string) => Object.hasOwn(registry, id);
  if (flow.id !== key) problems.push(`it is registered as ${key} but its id is "${flow.id}"`);
  if (!flow.title?.trim()) problems.push("it has no title (its readable name)");
  if (!KNOWN_TYPES.poweroffice.has(flow.source.entity))
    problems.push(`its source type PowerOffice ${flow.source.entity} is not one the readers read`);
  if (!flow.parent && !KNOWN_TYPES.chargebee.has(flow.target.entity))
    problems.push(`its target type Chargebee ${flow.target.entity} is not one the readers read`);
  for (const dependency of flow.dependsOn) if (!known(dependency)) problems.push(`it depends on ${dependency}, which is not registered`);
  if (flow.parent) {
    const parent = registry[flow.parent.flow];
    if (!parent) problems.push(`its parent flow ${flow.parent.flow} is not registered`);
    else if (parent.children?.flow !== flow.id) problems.push(`its parent ${flow.parent.flow} does not name it as children.flow`);
  }
  if (flow.children) {
    const child = registry[flow.children.flow];
    if (!child) problems.push(`its child flow ${flow.children.flow} is not registered`);
    else if (child.parent?.flow !== flow.id || child.source.entity !== flow.children.entity) {
      problems.push(`its child ${flow.children.flow} must name it as parent and read ${flow.children.entity}`);
    }
  }
  if (!flow.parent) {
    if (flow.create === "create" && !flow.writers.createInChargebee)
      problems.push('it creates records (create: "create") but has no writers.createInChargebee');
    if (flow.direction === "two-way" && !flow.writers.updateInPowerOffice) problems.push("it is two-way but has no writers.updateInPowerOffice");
    if (flow.deletePolicy.powerofficeDeleted === "retire-in-chargebee" && !flow.writers.retireInChargebee) {
      problems.push("its delete policy retires Chargebee records but it has no writers.retireInChargebee");
    }
  }
  if (flow.match.by === "name" && flow.fields.length === 0) problems.push("it matches by name but has no fields (the first field is the name)");
  if (flow.outbox && flow.create !== "create") problems.push('it has an outbox but does not create records (create: "link-only")');
  const referenced = flow.sourceFilter?.referencedBy?.entity;
  if (referenced && !KNOWN_TYPES.poweroffice.has(referenced))
    problems.push(`its source filter refers to PowerOffice ${referenced}, which the readers do not read`);
  for (const type of flow.alsoReads?.poweroffice ?? [])
    if (!KNOWN_TYPES.poweroffice.has(type)) problems.push(`alsoReads names PowerOffice ${type}, which the readers do not read`);
  for (const type of flow.alsoReads?.chargebee ?? [])
    if (!KNOWN_TYPES.chargebee.has(type)) problems.push(`alsoReads names Chargebee ${type}, which the readers do not read`);
  return problems;
}

/** The flow ids on a dependency cycle, if there is one. */
function dependencyCycle(registry: Readonly<Record<string, { dependsOn: readonly string[] }>>): string[] | null {
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === "done" || !registry[id]) return null;
    if (state.get(id) === "visiting") return [...path.slice(path.indexOf(id)), id];
    state.set(id, "visiting");
    path.push(id);
    for (const dependency of registry[id]!.dependsOn) {
      const cycle = visit(dependency);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, "done");
    return null;
  };
  for (const id of Object.keys(registry)) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return null;
}

/**
 * Checks the registry when it loads, so a misconfigured flow stops the process at start, with every problem of
 * every flow named, instead of failing records at run time. Returns the registry unchanged.
 */
export function checkFlows<T extends Record<string, FlowDefinition>>(registry: T): T {
  const problems = Object.entries(registry).flatMap(([key, flow]) =>
    problemsOf(key, flow, registry).map((problem) => `flow ${key}${flow.title ? ` (${flow.title})` : ""}: ${problem}`),
  );
  const cycle = dependencyCycle(registry);
  if (cycle) problems.push(`flows ${cycle.join(" → ")} depend on each other in a circle (dependsOn)`);
  if (problems.length > 0) throw new Error(`The flow registry is misconfigured:\n- ${problems.join("\n- ")}`);
  return registry;
}

/**
 * Checks the creation flows against the types the readers read and the flows they pair with, the same way:
 * a misconfigured one stops the process at start with its problems named.
 */
export function checkCreationFlows<T extends Record<string, CreationFlowDefinition>>(
  registry: T,
  flows: Readonly<Record<string, FlowDefinition>>,
): T {
  const problems: string[] = [];
  for (const [key, flow] of Object.entries(registry)) {
    const say = (problem: string) => problems.push(`flow ${key}${flow.title ? ` (${flow.title})` : ""}: ${problem}`);
    if (flow.id !== key) say(`it is registered as ${key} but its id is "${flow.id}"`);
    if (Object.hasOwn(flows, key)) say(`its id ${key} is taken by a flow that keeps pairs in sync`);
    if (!flow.title?.trim()) say("it has no title (its readable name)");
    if (!KNOWN_TYPES.chargebee.has(flow.source.entity)) say(`its source type Chargebee ${flow.source.entity} is not one the readers read`);
    if (!KNOWN_TYPES.poweroffice.has(flow.target.entity)) say(`its target type PowerOffice ${flow.target.entity} is not one the readers read`);
    for (const type of flow.alsoReads?.poweroffice ?? [])
      if (!KNOWN_TYPES.poweroffice.has(type)) say(`alsoReads names PowerOffice ${type}, which the readers do not read`);
    for (const type of flow.alsoReads?.chargebee ?? [])
      if (!KNOWN_TYPES.chargebee.has(type)) say(`alsoReads names Chargebee ${type}, which the readers do not read`);
    for (const dependency of flow.dependsOn)
      if (!Object.hasOwn(flows, dependency) && !Object.hasOwn(registry, dependency)) say(`it depends on ${dependency}, which is not registered`);
    if (!flow.pairedFlow && !flow.values) say("it has neither a pairedFlow (whose fromChargebee maps its records) nor values (its own mapping)");
  }
  const cycle = dependencyCycle({ ...flows, ...registry });
  if (cycle) problems.push(`flows ${cycle.join(" → ")} depend on each other in a circle (dependsOn)`);
  if (problems.length > 0) throw new Error(`The flow registry is misconfigured:\n- ${problems.join("\n- ")}`);
  return registry;
}
