import "reflect-metadata";
import { Query, Resolver } from "type-graphql";
import { FLOWS } from "../../../src/sync/index.js";
import { SyncFlow } from "../types/sync-flow.js";
import type { UnifiedKind } from "../types/enums.js";

@Resolver(() => SyncFlow)
export class SyncFlowResolver {
  @Query(() => [SyncFlow], { description: "The sync flows, F1 to F9 (the ids runSync takes)." })
  syncFlows(): SyncFlow[] {
    return Object.values(FLOWS).map((flow) => ({
      id: flow.id,
      title: flow.title,
      description: flow.description,
      kind: flow.kind as UnifiedKind,
      powerofficeType: flow.source.entity,
      chargebeeType: flow.target.entity,
      direction: flow.direction,
      dependsOn: [...flow.dependsOn],
      fields: flow.fields.map((field) => ({ key: field.key, poweroffice: field.poweroffice, chargebee: field.chargebee })),
      deletePolicy: flow.deletePolicy.description,
    }));
  }
}
