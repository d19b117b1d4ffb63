import "reflect-metadata";
import { whereEmail, whereJsonField } from "../../../src/datasets/record-queries.js";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { DatasetFilter } from "../../shared/dataset-entity.js";
import { listRecords, loadRecord } from "../../shared/dataset-resolvers.js";
import { connectionType } from "../../shared/pagination.js";
import { DEPARTMENT, PowerOfficeDepartment, toPowerOfficeDepartment } from "../types/department.js";
import { EMPLOYEE, PowerOfficeEmployee, toPowerOfficeEmployee } from "../types/employee.js";

@InputType("PowerOfficeEmployeeFilter")
export class PowerOfficeEmployeeFilter extends DatasetFilter {
  @Field(() => String, { nullable: true, description: "Exact email address, case-insensitive." }) email?: string | null;
  @Field(() => ID, { nullable: true }) departmentId?: string | null;
}

export const PowerOfficeEmployeeConnection = connectionType("PowerOfficeEmployee", PowerOfficeEmployee);

@Resolver(() => PowerOfficeEmployee)
export class PowerOfficeEmployeeResolver {
  @Query(() => PowerOfficeEmployeeConnection, { description: "PowerOffice employees, in id order." })
  powerofficeEmployees(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("filter", () => PowerOfficeEmployeeFilter, { nullable: true }) filter?: PowerOfficeEmployeeFilter,
  ) {
    return listRecords(ctx, "poweroffice", EMPLOYEE, filter, { first, after }, toPowerOfficeEmployee, (query, f, knex) => {
      whereEmail(query, f.email);
      whereJsonField(knex, query, "DepartmentId", f.departmentId);
    });
  }

  @Query(() => PowerOfficeEmployee, { nullable: true, description: "One PowerOffice employee by id (null when unknown)." })
  powerofficeEmployee(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    return loadRecord(ctx, "poweroffice", EMPLOYEE, id, toPowerOfficeEmployee);
  }

  @FieldResolver(() => PowerOfficeDepartment, { nullable: true })
  department(@Root() employee: PowerOfficeEmployee, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "poweroffice", DEPARTMENT, employee.departmentId, toPowerOfficeDepartment);
  }

  @FieldResolver(() => PowerOfficeEmployee, { nullable: true })
  manager(@Root() employee: PowerOfficeEmployee, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "poweroffice", EMPLOYEE, employee.managerEmployeeId, toPowerOfficeEmployee);
  }
}
