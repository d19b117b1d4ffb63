import "reflect-metadata";
import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { connectionType } from "../../shared/pagination.js";
import { BusinessEntity, toBusinessEntity } from "../types/business-entity.js";
import { Conflict } from "../types/conflict.js";
import { Link } from "../types/link.js";
import { QuarantineEntry } from "../types/quarantine-entry.js";
import { ChargebeeBusinessEntityRef, PowerOfficeCustomerRef, PowerOfficeDepartmentRef } from "../types/references.js";
import {
  UnifiedFilter,
  checkUuid,
  firstLinkedRef,
  linkedRefs,
  linksFor,
  listUnified,
  loadUnified,
  openConflictsFor,
  quarantineFor,
} from "./unified-support.js";

export const BusinessEntityConnection = connectionType("BusinessEntity", BusinessEntity);

@Resolver(() => BusinessEntity)
export class BusinessEntityResolver {
  @Query(() => BusinessEntityConnection, { description: "Unified business entities, by name." })
  businessEntities(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("filter", () => UnifiedFilter, { nullable: true }) filter?: UnifiedFilter,
  ) {
    return listUnified(ctx, "business_entity", filter, { first, after }, toBusinessEntity);
  }

  @Query(() => BusinessEntity, { nullable: true, description: "One unified business entity (null when unknown)." })
  businessEntity(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    return loadUnified(ctx, "business_entity", checkUuid(id, "A business entity"), toBusinessEntity);
  }

  @FieldResolver(() => [PowerOfficeDepartmentRef], { description: "PowerOffice departments linked by name (F6)." })
  powerofficeDepartments(@Root() entity: BusinessEntity, @Ctx() ctx: SubgraphContext) {
    return linkedRefs(ctx, entity.id, "poweroffice", "Department");
  }

  @FieldResolver(() => [PowerOfficeCustomerRef], { description: "PowerOffice customers linked by name (F5)." })
  powerofficeCustomers(@Root() entity: BusinessEntity, @Ctx() ctx: SubgraphContext) {
    return linkedRefs(ctx, entity.id, "poweroffice", "Customer");
  }

  @FieldResolver(() => ChargebeeBusinessEntityRef, { nullable: true })
  chargebee(@Root() entity: BusinessEntity, @Ctx() ctx: SubgraphContext) {
    return firstLinkedRef(ctx, entity.id, "chargebee", "business_entity");
  }

  @FieldResolver(() => [Link])
  links(@Root() entity: BusinessEntity, @Ctx() ctx: SubgraphContext) {
    return linksFor(ctx, entity.id);
  }

  @FieldResolver(() => [Conflict])
  openConflicts(@Root() entity: BusinessEntity, @Ctx() ctx: SubgraphContext) {
    return openConflictsFor(ctx, entity.id);
  }

  @FieldResolver(() => [QuarantineEntry])
  quarantine(@Root() entity: BusinessEntity, @Ctx() ctx: SubgraphContext) {
    return quarantineFor(ctx, entity.id);
  }
}
