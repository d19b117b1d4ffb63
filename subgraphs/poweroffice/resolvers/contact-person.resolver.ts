import "reflect-metadata";
import { whereEmail, whereParent } from "../../../src/datasets/record-queries.js";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { DatasetFilter } from "../../shared/dataset-entity.js";
import { listRecords, loadRecord } from "../../shared/dataset-resolvers.js";
import { connectionType } from "../../shared/pagination.js";
import { CONTACT_PERSON, PowerOfficeContactPerson, toPowerOfficeContactPerson } from "../types/contact-person.js";
import { CUSTOMER, PowerOfficeCustomer, toPowerOfficeCustomer } from "../types/customer.js";

@InputType("PowerOfficeContactPersonFilter")
export class PowerOfficeContactPersonFilter extends DatasetFilter {
  @Field(() => String, { nullable: true, description: "Exact email address, case-insensitive." }) email?: string | null;
  @Field(() => ID, { nullable: true, description: "Only the contact persons of this customer." }) contactId?: string | null;
}

export const PowerOfficeContactPersonConnection = connectionType("PowerOfficeContactPerson", PowerOfficeContactPerson);

@Resolver(() => PowerOfficeContactPerson)
export class PowerOfficeContactPersonResolver {
  @Query(() => PowerOfficeContactPersonConnection, { description: "PowerOffice contact persons, in id order." })
  powerofficeContactPersons(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("filter", () => PowerOfficeContactPersonFilter, { nullable: true }) filter?: PowerOfficeContactPersonFilter,
  ) {
    return listRecords(ctx, "poweroffice", CONTACT_PERSON, filter, { first, after }, toPowerOfficeContactPerson, (query, f, knex) => {
      whereEmail(query, f.email);
      whereParent(knex, query, "ContactId", f.contactId);
    });
  }

  @Query(() => PowerOfficeContactPerson, { nullable: true, description: "One PowerOffice contact person by id (null when unknown)." })
  powerofficeContactPerson(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    return loadRecord(ctx, "poweroffice", CONTACT_PERSON, id, toPowerOfficeContactPerson);
  }

  @FieldResolver(() => PowerOfficeCustomer, { nullable: true, description: "The customer the person belongs to." })
  customer(@Root() person: PowerOfficeContactPerson, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "poweroffice", CUSTOMER, person.contactId, toPowerOfficeCustomer);
  }
}
