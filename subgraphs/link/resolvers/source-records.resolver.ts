import "reflect-metadata";
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { unifiedBySource, type UnifiedKindName } from "../loaders.js";
import { BusinessEntity, toBusinessEntity } from "../types/business-entity.js";
import { Customer, toCustomer } from "../types/customer.js";
import { Item, toItem } from "../types/item.js";
import { Order, toOrder } from "../types/order.js";
import {
  ChargebeeBusinessEntityRef,
  ChargebeeCustomerRef,
  ChargebeeInvoiceRef,
  ChargebeeItemRef,
  ChargebeeOrderRef,
  PowerOfficeContactPersonRef,
  PowerOfficeCustomerRef,
  PowerOfficeDepartmentRef,
  PowerOfficeEmployeeRef,
  PowerOfficeProductRef,
  PowerOfficeSalesOrderRef,
} from "../types/references.js";
import type { UnifiedRow } from "../types/unified.js";

/* The way back from a source record to its unified record: fields the link subgraph adds to the other subgraphs' types. */

async function unifiedOf<T>(
  ctx: SubgraphContext,
  kind: UnifiedKindName,
  system: "poweroffice" | "chargebee",
  entity: string,
  sourceId: string,
  map: (row: UnifiedRow) => T,
): Promise<T | null> {
  const row = await unifiedBySource(ctx, kind).load({ system, entity, sourceId });
  return row ? map(row) : null;
}

const UNIFIED_CUSTOMER = "The unified customer this record is part of (null when not linked).";

@Resolver(() => PowerOfficeContactPersonRef)
export class PowerOfficeContactPersonLinkResolver {
  @FieldResolver(() => Customer, { nullable: true, description: UNIFIED_CUSTOMER })
  unifiedCustomer(@Root() ref: PowerOfficeContactPersonRef, @Ctx() ctx: SubgraphContext) {
    return unifiedOf(ctx, "customer", "poweroffice", "ContactPerson", ref.id, toCustomer);
  }
}

@Resolver(() => PowerOfficeEmployeeRef)
export class PowerOfficeEmployeeLinkResolver {
  @FieldResolver(() => Customer, { nullable: true, description: UNIFIED_CUSTOMER })
  unifiedCustomer(@Root() ref: PowerOfficeEmployeeRef, @Ctx() ctx: SubgraphContext) {
    return unifiedOf(ctx, "customer", "poweroffice", "Employee", ref.id, toCustomer);
  }
}

@Resolver(() => PowerOfficeCustomerRef)
export class PowerOfficeCustomerLinkResolver {
  @FieldResolver(() => Customer, { nullable: true, description: UNIFIED_CUSTOMER })
  unifiedCustomer(@Root() ref: PowerOfficeCustomerRef, @Ctx() ctx: SubgraphContext) {
    return unifiedOf(ctx, "customer", "poweroffice", "Customer", ref.id, toCustomer);
  }

  @FieldResolver(() => BusinessEntity, { nullable: true, description: "The business entity the customer is linked to by name (F5)." })
  unifiedBusinessEntity(@Root() ref: PowerOfficeCustomerRef, @Ctx() ctx: SubgraphContext) {
    return unifiedOf(ctx, "business_entity", "poweroffice", "Customer", ref.id, toBusinessEntity);
  }
}

@Resolver(() => PowerOfficeDepartmentRef)
export class PowerOfficeDepartmentLinkResolver {
  @FieldResolver(() => BusinessEntity, { nullable: true })
  unifiedBusinessEntity(@Root() ref: PowerOfficeDepartmentRef, @Ctx() ctx: SubgraphContext) {
    return unifiedOf(ctx, "business_entity", "poweroffice", "Department", ref.id, toBusinessEntity);
  }
}

@Resolver(() => PowerOfficeProductRef)
export class PowerOfficeProductLinkResolver {
  @FieldResolver(() => Item, { nullable: true })
  unifiedItem(@Root() ref: PowerOfficeProductRef, @Ctx() ctx: SubgraphContext) {
    return unifiedOf(ctx, "item", "poweroffice", "Product", ref.id, toItem);
  }
}

@Resolver(() => PowerOfficeSalesOrderRef)
export class PowerOfficeSalesOrderLinkResolver {
  @FieldResolver(() => Order, { nullable: true })
  unifiedOrder(@Root() ref: PowerOfficeSalesOrderRef, @Ctx() ctx: SubgraphContext) {
    return unifiedOf(ctx, "order", "poweroffice", "SalesOrder", ref.id, toOrder);
  }
}

@Resolver(() => ChargebeeCustomerRef)
export class ChargebeeCustomerLinkResolver {
  @FieldResolver(() => Customer, { nullable: true, description: UNIFIED_CUSTOMER })
  unifiedCustomer(@Root() ref: ChargebeeCustomerRef, @Ctx() ctx: SubgraphContext) {
    return unifiedOf(ctx, "customer", "chargebee", "customer", ref.id, toCustomer);
  }
}

@Resolver(() => ChargebeeItemRef)
export class ChargebeeItemLinkResolver {
  @FieldResolver(() => Item, { nullable: true })
  unifiedItem(@Root() ref: ChargebeeItemRef, @Ctx() ctx: SubgraphContext) {
    return unifiedOf(ctx, "item", "chargebee", "item", ref.id, toItem);
  }
}

@Resolver(() => ChargebeeOrderRef)
export class ChargebeeOrderLinkResolver {
  @FieldResolver(() => Order, { nullable: true })
  unifiedOrder(@Root() ref: ChargebeeOrderRef, @Ctx() ctx: SubgraphContext) {
    return unifiedOf(ctx, "order", "chargebee", "order", ref.id, toOrder);
  }
}

@Resolver(() => ChargebeeInvoiceRef)
export class ChargebeeInvoiceLinkResolver {
  @FieldResolver(() => Order, { nullable: true })
  unifiedOrder(@Root() ref: ChargebeeInvoiceRef, @Ctx() ctx: SubgraphContext) {
    return unifiedOf(ctx, "order", "chargebee", "invoice", ref.id, toOrder);
  }
}

@Resolver(() => ChargebeeBusinessEntityRef)
export class ChargebeeBusinessEntityLinkResolver {
  @FieldResolver(() => BusinessEntity, { nullable: true })
  unifiedBusinessEntity(@Root() ref: ChargebeeBusinessEntityRef, @Ctx() ctx: SubgraphContext) {
    return unifiedOf(ctx, "business_entity", "chargebee", "business_entity", ref.id, toBusinessEntity);
  }
}

export const SOURCE_RECORD_LINK_RESOLVERS = [
  PowerOfficeContactPersonLinkResolver,
  PowerOfficeEmployeeLinkResolver,
  PowerOfficeCustomerLinkResolver,
  PowerOfficeDepartmentLinkResolver,
  PowerOfficeProductLinkResolver,
  PowerOfficeSalesOrderLinkResolver,
  ChargebeeCustomerLinkResolver,
  ChargebeeItemLinkResolver,
  ChargebeeOrderLinkResolver,
  ChargebeeInvoiceLinkResolver,
  ChargebeeBusinessEntityLinkResolver,
] as const;
