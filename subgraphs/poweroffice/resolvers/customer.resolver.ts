import "reflect-metadata";
import { whereEmail, whereJsonField, whereJsonFlagNotTrue } from "../../../src/datasets/record-queries.js";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { DatasetFilter } from "../../shared/dataset-entity.js";
import { listRecords, loadRecord } from "../../shared/dataset-resolvers.js";
import { connectionType } from "../../shared/pagination.js";
import { CONTACT_PERSON, PowerOfficeContactPerson, toPowerOfficeContactPerson } from "../types/contact-person.js";
import { CUSTOMER, PowerOfficeCustomer, toPowerOfficeCustomer } from "../types/customer.js";
import { DEPARTMENT, PowerOfficeDepartment, toPowerOfficeDepartment } from "../types/department.js";
import { PowerOfficeSalesOrder, SALES_ORDER, toPowerOfficeSalesOrder } from "../types/sales-order.js";

@InputType("PowerOfficeCustomerFilter")
export class PowerOfficeCustomerFilter extends DatasetFilter {
  @Field(() => String, { nullable: true, description: "Exact email address, case-insensitive." }) email?: string | null;
  @Field(() => Boolean, { nullable: true, description: "true: person customers only; false: companies only." }) isPerson?: boolean | null;
  @Field(() => String, { nullable: true }) organizationNumber?: string | null;
}

export const PowerOfficeCustomerConnection = connectionType("PowerOfficeCustomer", PowerOfficeCustomer);

@Resolver(() => PowerOfficeCustomer)
export class PowerOfficeCustomerResolver {
  @Query(() => PowerOfficeCustomerConnection, { description: "PowerOffice customers, in id order." })
  powerofficeCustomers(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("filter", () => PowerOfficeCustomerFilter, { nullable: true }) filter?: PowerOfficeCustomerFilter,
  ) {
    return listRecords(ctx, "poweroffice", CUSTOMER, filter, { first, after }, toPowerOfficeCustomer, (query, f, knex) => {
      whereEmail(query, f.email);
      if (f.isPerson === true) whereJsonField(knex, query, "IsPerson", true);
      if (f.isPerson === false) whereJsonFlagNotTrue(query, "IsPerson");
      whereJsonField(knex, query, "OrganizationNumber", f.organizationNumber);
    });
  }

  @Query(() => PowerOfficeCustomer, { nullable: true, description: "One PowerOffice customer by id (null when unknown)." })
  powerofficeCustomer(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    return loadRecord(ctx, "poweroffice", CUSTOMER, id, toPowerOfficeCustomer);
  }

  @FieldResolver(() => [PowerOfficeContactPerson], { description: "The customer's contact persons (not deleted), in id order." })
  async contactPersons(@Root() customer: PowerOfficeCustomer, @Ctx() ctx: SubgraphContext) {
    // The dataset writer stores a contact person's ContactId as its parent_id: the indexed column, not the JSON field.
    const rows = await ctx.datasets.byParent("poweroffice", CONTACT_PERSON).load(customer.id);
    return rows.map(toPowerOfficeContactPerson);
  }

  @FieldResolver(() => [PowerOfficeSalesOrder], { description: "The customer's sales orders (not deleted), in id order." })
  async salesOrders(@Root() customer: PowerOfficeCustomer, @Ctx() ctx: SubgraphContext) {
    const rows = await ctx.datasets.byField("poweroffice", SALES_ORDER, "CustomerId").load(customer.id);
    return rows.map(toPowerOfficeSalesOrder);
  }

  @FieldResolver(() => PowerOfficeDepartment, { nullable: true })
  department(@Root() customer: PowerOfficeCustomer, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "poweroffice", DEPARTMENT, customer.departmentId, toPowerOfficeDepartment);
  }
}
