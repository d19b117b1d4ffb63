import "reflect-metadata";
import { Field, ObjectType } from "type-graphql";
import { ConflictPolicyName, UnifiedKind } from "./enums.js";

@ObjectType({ description: "A field a flow keeps equal on both sides." })
export class SyncFlowField {
  @Field(() => String, { description: "The unified name (as in agreed and in conflicts)." }) key!: string;
  @Field(() => String, { description: "The PowerOffice property." }) poweroffice!: string;
  @Field(() => String, { description: "The Chargebee property." }) chargebee!: string;
  @Field(() => ConflictPolicyName, { description: "What a conflict on this field does (SYNC_CONFLICT_POLICY; NEWEST unless set)." })
  conflictPolicy!: ConflictPolicyName;
}

@ObjectType({ description: "One sync flow (F1–F11): which records of one system become which of the other, and how." })
export class SyncFlow {
  @Field(() => String) id!: string;
  @Field(() => String) title!: string;
  @Field(() => String) description!: string;
  @Field(() => UnifiedKind) kind!: UnifiedKind;
  @Field(() => String, { description: "The PowerOffice type it reads (F10, F11: creates)." }) powerofficeType!: string;
  @Field(() => String, { description: "The Chargebee type it writes (F10, F11: reads)." }) chargebeeType!: string;
  @Field(() => String, { description: "two-way, poweroffice-to-chargebee or chargebee-to-poweroffice." }) direction!: string;
  @Field(() => [String], { description: "Flows that run before it." }) dependsOn!: string[];
  @Field(() => [SyncFlowField]) fields!: SyncFlowField[];
  @Field(() => String, { description: "What happens when a record is deleted on either side." }) deletePolicy!: string;
}
