import "reflect-metadata";
import { Query, Resolver } from "type-graphql";
import { CREATION_FLOWS, FLOWS } from "../../../src/sync/index.js";
import { SyncFlow } from "../types/sync-flow.js";
import type { UnifiedKind } from "../types/enums.js";

@Resolver(() => SyncFlow)
export class SyncFlowResolver {
  @Query(() => [SyncFlow], {
    description: "The sync flows (the ids runSync takes): F1 to F9 keep pairs in sync; F10 and F11 create Chargebee-born records in PowerOffice.",
  })
  syncFlows(): SyncFlow[] {
    const pairing = Object.values(FLOWS).map((flow) => ({
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
