import "reflect-metadata";
import { Ctx, Query, Resolver } from "type-graphql";
import { CREATION_FLOWS, FLOWS, conflictPolicyOf } from "../../../src/sync/index.js";
import type { SubgraphContext } from "../../shared/context.js";
import { SyncFlow } from "../types/sync-flow.js";
import type { ConflictPolicyName, UnifiedKind } from "../types/enums.js";

@Resolver(() => SyncFlow)
export class SyncFlowResolver {
  @Query(() => [SyncFlow], {
    description:
      "The sync flows (the ids runSync takes): F1 to F9 keep pairs in sync; F10 to F12 create Chargebee-born records in PowerOffice. " +
      "Each field says its conflict policy.",
  })
  syncFlows(@Ctx() ctx: SubgraphContext): SyncFlow[] {
    const rules = ctx.deps.conflictPolicy ?? [];
    const pairing = Object.values(FLOWS).map((flow) => ({
      id: flow.id,
      title: flow.title,
      description: flow.description,
      kind: flow.kind as UnifiedKind,
      powerofficeType: flow.source.entity,
      chargebeeType: flow.target.entity,
      direction: flow.direction,
      dependsOn: [...flow.dependsOn],
      fields: flow.fields.map((field) => ({
        key: field.key,
        poweroffice: field.poweroffice,
        chargebee: field.chargebee,
        // One-way flows never have conflicts: PowerOffice's value is written.
        conflictPolicy: (flow.direction === "two-way" ? conflictPolicyOf(rules, flow.id, field.key) : "poweroffice") as ConflictPolicyName,
      })),
      deletePolicy: flow.deletePolicy.description,
    }));
    const creating = Object.values(CREATION_FLOWS).map((flow) => ({
      id: flow.id,
      title: flow.title,
      description: flow.description,
      kind: flow.kind as UnifiedKind,
      powerofficeType: flow.target.entity,
      chargebeeType: flow.source.entity,
      direction: flow.direction,
      dependsOn: [...flow.dependsOn],
      // The fields are those of the flows it pairs with (dependsOn), which keep the pair in sync.
      fields: [],
      deletePolicy: flow.deletePolicy.description,
    }));
    return [...pairing, ...creating];
  }
}
