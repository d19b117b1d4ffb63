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

@ObjectType({ description: "updateItem's answer: the item as it is now, and what each linked record did." })
export class ItemWriteResult {
  @Field(() => Item) item!: Item;
  @Field(() => [RecordWrite]) writes!: RecordWrite[];
  @Field(() => Boolean, { description: "Every linked record holds the new values; false: the sync writes the PENDING ones." })
  complete!: boolean;
  @Field(() => SyncRun, { description: "The sync run that wrote them." }) run!: SyncRun;
}
