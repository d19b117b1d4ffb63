import "reflect-metadata";
import { Field, ID, InputType, ObjectType } from "type-graphql";
import { SourceSystem, UnifiedKind } from "./enums.js";

@ObjectType({ description: "The unified record a link or unlink changed, as it is now." })
export class LinkResult {
  @Field(() => ID) unifiedId!: string;
  @Field(() => UnifiedKind) kind!: UnifiedKind;
}

@InputType({ description: "Ties a PowerOffice record to a Chargebee record by hand, for one flow." })
export class LinkInput {
  @Field(() => String, { description: "F1–F9: which PowerOffice type and which Chargebee type." }) flow!: string;
  @Field(() => ID) powerofficeId!: string;
  @Field(() => ID) chargebeeId!: string;
}

@InputType({ description: "Unties a source record from its unified record." })
export class UnlinkInput {
  @Field(() => SourceSystem) system!: SourceSystem;
  @Field(() => String, { description: "The API's type name: ContactPerson, … or customer, …" }) type!: string;
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: "Only this flow's link (default: every flow's)." }) flow?: string | null;
}
