import "reflect-metadata";
import { Arg, Ctx, Int, Query, Resolver } from "type-graphql";
import { unmatchedRecordsQuery } from "../../../src/sync/tables/record-state.js";
import type { SubgraphContext } from "../../shared/context.js";
import { connectionType, paginate, type KeysetOrder } from "../../shared/pagination.js";
import { UnmatchedRecord, toUnmatchedRecord } from "../types/unmatched-record.js";

export const UnmatchedRecordConnection = connectionType("UnmatchedRecord", UnmatchedRecord);

/** The table's primary key: a stable order across pages. */
const BY_RECORD: KeysetOrder = { keys: ["flow", "system", "entity", "source_id"], types: ["text", "text", "text", "text"] };

@Resolver(() => UnmatchedRecord)
export class UnmatchedRecordResolver {
  @Query(() => UnmatchedRecordConnection, {
    description: "Records a linking flow (F5, F6) found nothing to link to, by flow and id. Fix the name on either side, or link them by hand.",
  })
  unmatchedRecords(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("flow", () => String, { nullable: true }) flow?: string,
  ) {
    return paginate(ctx.sql, unmatchedRecordsQuery(ctx.sql.knex, flow), BY_RECORD, { first, after }, toUnmatchedRecord);
  }
}
