import "reflect-metadata";
import { Arg, Ctx, Field, ID, InputType, Int, Mutation, Resolver } from "type-graphql";
import type { FieldValue } from "../../../src/sync/model/flow-definition.js";
import type { UpdateUnifiedResult } from "../../../src/sync/index.js";
import type { SubgraphContext } from "../../shared/context.js";
import { badUserInput, notFound } from "../../shared/errors.js";
import { assertMayWrite, command, queueDeps } from "../commands.js";
import { toCustomer } from "../types/customer.js";
import { toItem } from "../types/item.js";
import { PostalAddressInput } from "../types/postal-address.js";
import { CustomerCreateResult, CustomerWriteResult, ItemWriteResult, toRecordWrite } from "../types/record-write.js";
import { SourceSystem } from "../types/enums.js";
import { toSyncRun, type SyncRunDbRow } from "../types/sync-run.js";
import type { UnifiedRow } from "../types/unified.js";
import { checkUuid } from "./unified-support.js";

@InputType({ description: "New values for a unified customer; a field left out stays as it is, null (or an empty text) clears it." })
export class UpdateCustomerInput {
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true, description: "A person's first name (contact persons, employees, person customers)." })
  firstName?: string | null;
  @Field(() => String, { nullable: true }) lastName?: string | null;
  @Field(() => String, { nullable: true, description: "A company customer's name (F4)." }) company?: string | null;
  @Field(() => PostalAddressInput, { nullable: true, description: "The billing address (person and company customers, F3 and F4)." })
  billingAddress?: PostalAddressInput | null;
}

@InputType({ description: "A new customer: a company customer with company (and email), else a person (email, firstName, lastName)." })
export class CreateCustomerInput {
  @Field(() => String, { description: "Both systems send the customer's invoices here." }) email!: string;
  @Field(() => String, { nullable: true, description: "A person's first name (required without company)." }) firstName?: string | null;
  @Field(() => String, { nullable: true, description: "A person's last name (required without company)." }) lastName?: string | null;
  @Field(() => String, { nullable: true, description: "A company customer's name: with it, the customer is a company." }) company?: string | null;
  @Field(() => PostalAddressInput, { nullable: true, description: "The billing address (PowerOffice's MailAddress)." })
  billingAddress?: PostalAddressInput | null;
}

@InputType({ description: "New values for a unified item." })
export class UpdateItemInput {
  @Field(() => String, { nullable: true }) name?: string | null;
}

const WAIT_DESCRIPTION = "Seconds to wait for the sync to write both sides (default 30, at most 120; 0: answer at once, every write PENDING).";

function waitMs(seconds: number | undefined): number {
  if (seconds === undefined || seconds === null) return 30_000;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 120) throw badUserInput(`waitSeconds is 0 to 120, got ${seconds}`);
  return seconds * 1000;
}

/** The input's given fields as unified field values (address for billingAddress); absent fields are left out. */
function given(input: object, rename: Record<string, string> = {}): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    values[rename[name] ?? name] = value === null ? null : typeof value === "object" ? ({ ...value } as FieldValue) : (value as FieldValue);
  }
  return values;
}

async function answer(ctx: SubgraphContext, result: UpdateUnifiedResult) {
  const row = await ctx.sql.first<UnifiedRow>(ctx.sql.knex("unified_records").where({ id: result.unifiedId }));
  if (!row) throw notFound(`Unified record ${result.unifiedId} is gone`);
  const run = await ctx.sql.first<SyncRunDbRow>(ctx.sql.knex("sync_runs").where({ id: result.run.id }));
  return { row, run: toSyncRun(run!), writes: result.writes.map(toRecordWrite), complete: result.complete };
}

@Resolver()
export class WriteThroughResolver {
  @Mutation(() => CustomerWriteResult, {
    description:
      "Changes a unified customer in every linked record of both systems, through the sync (the same checks, idempotency and link " +
      "update as a sync write). A value a system would refuse is BAD_USER_INPUT naming the field and the system, and nothing is " +
      "written. Integrator key only.",
  })
  async updateCustomer(
    @Ctx() ctx: SubgraphContext,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateCustomerInput) input: UpdateCustomerInput,
    @Arg("waitSeconds", () => Int, { nullable: true, description: WAIT_DESCRIPTION }) waitSeconds?: number,
  ): Promise<CustomerWriteResult> {
    assertMayWrite(ctx);
    const updateUnified = command(ctx, "updateUnified");
    const result = await updateUnified(queueDeps(ctx), {
      kind: "customer",
      unifiedId: checkUuid(id, "A customer"),
      values: given(input, { billingAddress: "address" }),
      requestedBy: ctx.caller.name,
      waitMs: waitMs(waitSeconds),
    });
    const { row, ...rest } = await answer(ctx, result);
    return Object.assign(new CustomerWriteResult(), { customer: toCustomer(row), ...rest });
  }

  @Mutation(() => CustomerCreateResult, {
    description:
      "Makes a customer in the system named by `in`, through the sync: the values are checked against both APIs' rules first, and a " +
      "customer that is already there (a person's email, a company's name) is refused naming it. A sync run makes the record exactly " +
      "once and syncs it like any record born there: the other system gets its partner, or the record is linked to a match. A value a " +
      "system refuses is BAD_USER_INPUT naming the field and the system, and nothing is made. Integrator key only.",
  })
  async createCustomer(
    @Ctx() ctx: SubgraphContext,
    @Arg("input", () => CreateCustomerInput) input: CreateCustomerInput,
    @Arg("in", () => SourceSystem, { description: "Where the customer is made; the sync makes its partner in the other system." })
    system: SourceSystem,
    @Arg("waitSeconds", () => Int, { nullable: true, description: WAIT_DESCRIPTION }) waitSeconds?: number,
  ): Promise<CustomerCreateResult> {
    assertMayWrite(ctx);
    const createUnified = command(ctx, "createUnified");
    const result = await createUnified(queueDeps(ctx), {
      kind: "customer",
      system: system === SourceSystem.POWEROFFICE ? "poweroffice" : "chargebee",
      values: given(input, { billingAddress: "address" }),
      requestedBy: ctx.caller.name,
      waitMs: waitMs(waitSeconds),
    });
    const row = result.unifiedId ? await ctx.sql.first<UnifiedRow>(ctx.sql.knex("unified_records").where({ id: result.unifiedId })) : undefined;
    const run = await ctx.sql.first<SyncRunDbRow>(ctx.sql.knex("sync_runs").where({ id: result.run.id }));
    return Object.assign(new CustomerCreateResult(), {
      customer: row ? toCustomer(row) : null,
      writes: result.writes.map(toRecordWrite),
      complete: result.complete,
      problem: result.problem,
      run: toSyncRun(run!),
    });
  }

  @Mutation(() => ItemWriteResult, {
    description: "Renames a unified item in its PowerOffice product and its Chargebee item, through the sync. Integrator key only.",
  })
  async updateItem(
    @Ctx() ctx: SubgraphContext,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateItemInput) input: UpdateItemInput,
    @Arg("waitSeconds", () => Int, { nullable: true, description: WAIT_DESCRIPTION }) waitSeconds?: number,
  ): Promise<ItemWriteResult> {
    assertMayWrite(ctx);
    const updateUnified = command(ctx, "updateUnified");
    const result = await updateUnified(queueDeps(ctx), {
      kind: "item",
      unifiedId: checkUuid(id, "An item"),
      values: given(input),
      requestedBy: ctx.caller.name,
      waitMs: waitMs(waitSeconds),
    });
    const { row, ...rest } = await answer(ctx, result);
    return Object.assign(new ItemWriteResult(), { item: toItem(row), ...rest });
  }
}
