import "reflect-metadata";
import { whereJsonField } from "../../../src/datasets/record-queries.js";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { DatasetFilter } from "../../shared/dataset-entity.js";
import { listRecords, loadRecord } from "../../shared/dataset-resolvers.js";
import { connectionType } from "../../shared/pagination.js";
import { DEPARTMENT, PowerOfficeDepartment, toPowerOfficeDepartment } from "../types/department.js";
import { EMPLOYEE, PowerOfficeEmployee, toPowerOfficeEmployee } from "../types/employee.js";

@InputType("PowerOfficeDepartmentFilter")
export class PowerOfficeDepartmentFilter extends DatasetFilter {
  @Field(() => String, { nullable: true }) code?: string | null;
  @Field(() => Boolean, { nullable: true }) isActive?: boolean | null;
}

export const PowerOfficeDepartmentConnection = connectionType("PowerOfficeDepartment", PowerOfficeDepartment);

@Resolver(() => PowerOfficeDepartment)
export class PowerOfficeDepartmentResolver {
  @Query(() => PowerOfficeDepartmentConnection, { description: "PowerOffice departments, in id order." })
  powerofficeDepartments(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("filter", () => PowerOfficeDepartmentFilter, { nullable: true }) filter?: PowerOfficeDepartmentFilter,
  ) {
    return listRecords(ctx, "poweroffice", DEPARTMENT, filter, { first, after }, toPowerOfficeDepartment, (query, f, knex) => {
      whereJsonField(knex, query, "Code", f.code);
      whereJsonField(knex, query, "IsActive", f.isActive);
    });
  }

  @Query(() => PowerOfficeDepartment, { nullable: true, description: "One PowerOffice department by id (null when unknown)." })
  powerofficeDepartment(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    return loadRecord(ctx, "poweroffice", DEPARTMENT, id, toPowerOfficeDepartment);
  }

  @FieldResolver(() => PowerOfficeEmployee, { nullable: true })
  manager(@Root() department: PowerOfficeDepartment, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "poweroffice", EMPLOYEE, department.managerEmployeeId, toPowerOfficeEmployee);
  }

  @FieldResolver(() => [PowerOfficeEmployee], { description: "The department's employees (not deleted), in id order." })
  async employees(@Root() department: PowerOfficeDepartment, @Ctx() ctx: SubgraphContext) {
    const rows = await ctx.datasets.byField("poweroffice", EMPLOYEE, "DepartmentId").load(department.id);
    return rows.map(toPowerOfficeEmployee);
  }
}
