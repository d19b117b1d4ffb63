import "reflect-metadata";
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { clientError, notFound } from "../../shared/errors.js";
import { connectionType, paginate, type KeysetOrder } from "../../shared/pagination.js";
import { assertMayWrite, command } from "../commands.js";
import { QuarantineStatus, SourceSystem } from "../types/enums.js";
import { QuarantineEntry, toQuarantineEntry, type QuarantineRow } from "../types/quarantine-entry.js";
import { numericId } from "./conflict.resolver.js";

export const QuarantineConnection = connectionType("Quarantine", QuarantineEntry);

const NEWEST_FIRST: KeysetOrder = { keys: ["id"], types: ["number"], descending: true };

@Resolver(() => QuarantineEntry)
export class QuarantineResolver {
  @Query(() => QuarantineConnection, { description: "Quarantined records, newest first (open ones unless status says otherwise)." })
  quarantine(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("flow", () => String, { nullable: true }) flow?: string,
    @Arg("system", () => SourceSystem, { nullable: true }) system?: SourceSystem,
    @Arg("status", () => QuarantineStatus, { nullable: true, description: "Default OPEN." }) status?: QuarantineStatus,
  ) {
    const query = ctx.sql.knex("quarantine");
    query.where({ status: status ?? QuarantineStatus.OPEN });
    if (system) query.where({ system });
    if (flow) query.where({ flow });
    return paginate(ctx.sql, query, NEWEST_FIRST, { first, after }, toQuarantineEntry);
  }

  @Mutation(() => QuarantineEntry, { description: "Sends a quarantined record back to the sync (after fixing it at the source)." })
  async retryQuarantined(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    assertMayWrite(ctx);
    const quarantineId = numericId(id, "A quarantine entry");
    const before = await ctx.sql.first<QuarantineRow>(ctx.sql.knex("quarantine").where({ id: quarantineId }));
    if (!before) throw notFound(`Quarantine entry ${id} does not exist`);
    if (before.status !== "open") throw clientError("CONFLICT", `Quarantine entry ${id} is not open (it is ${before.status}).`);
    const retryQuarantined = command(ctx, "retryQuarantined");
    await retryQuarantined(ctx.sql.knex, { quarantineId, requestedBy: ctx.caller.name });
    const after = await ctx.sql.first<QuarantineRow>(ctx.sql.knex("quarantine").where({ id: quarantineId }));
    return toQuarantineEntry(after ?? before);
  }
}
