import "reflect-metadata";
import { Field, ObjectType } from "type-graphql";
import type { RecordWrite as RecordWriteValue } from "../../../src/sync/index.js";
import { Customer } from "./customer.js";
import { RecordWriteStatus, SourceSystem } from "./enums.js";
import { Item } from "./item.js";
import { SyncRun } from "./sync-run.js";

@ObjectType({ description: "One linked record a write went to, and what it did with it." })
export class RecordWrite {
  @Field(() => SourceSystem) system!: SourceSystem;
  @Field(() => String, { description: "The API's type name: ContactPerson, Customer, Product … or customer, item." }) type!: string;
  @Field(() => String) sourceId!: string;
  @Field(() => String, { description: "The flow that keeps this record in step with the other side." }) flow!: string;
  @Field(() => [String], { description: "The unified fields written (email, firstName, lastName, company, address, name)." })
  fields!: string[];
  @Field(() => RecordWriteStatus) status!: RecordWriteStatus;
}

export function toRecordWrite(write: RecordWriteValue): RecordWrite {
  return Object.assign(new RecordWrite(), {
    system: write.system as SourceSystem,
    type: write.entity,
    sourceId: write.sourceId,
    flow: write.flow,
    fields: write.fields,
    status: write.status as RecordWriteStatus,
  });
}

@ObjectType({ description: "A write-through mutation's answer: the customer as it is now, and what each linked record did." })
export class CustomerWriteResult {
  @Field(() => Customer) customer!: Customer;
  @Field(() => [RecordWrite]) writes!: RecordWrite[];
  @Field(() => Boolean, { description: "Every linked record holds the new values; false: the sync writes the PENDING ones." })
  complete!: boolean;
  @Field(() => SyncRun, { description: "The sync run that wrote them." }) run!: SyncRun;
}

@ObjectType({ description: "createCustomer's answer: the new record, what the sync linked it to, and the unified customer once it is linked." })
export class CustomerCreateResult {
  @Field(() => Customer, { nullable: true, description: "The unified customer; null until the sync has linked the new record." })
  customer!: Customer | null;
  @Field(() => [RecordWrite], {
    description:
      "The new record first (WRITTEN), then each record in the other system it is linked to: WRITTEN when the sync made it, UNCHANGED when it was there (a match).",
  })
  writes!: RecordWrite[];
  @Field(() => Boolean, { description: "Both systems hold the customer, linked." }) complete!: boolean;
  @Field(() => String, { nullable: true, description: "Why it is not complete yet, and what happens next or what to do." })
  problem!: string | null;
  @Field(() => SyncRun, { description: "The sync run that made it." }) run!: SyncRun;
}

@ObjectType({ description: "updateItem's answer: the item as it is now, and what each linked record did." })
export class ItemWriteResult {
  @Field(() => Item) item!: Item;
  @Field(() => [RecordWrite]) writes!: RecordWrite[];
  @Field(() => Boolean, { description: "Every linked record holds the new values; false: the sync writes the PENDING ones." })
  complete!: boolean;
  @Field(() => SyncRun, { description: "The sync run that wrote them." }) run!: SyncRun;
}
