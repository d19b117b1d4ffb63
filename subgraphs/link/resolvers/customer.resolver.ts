import "reflect-metadata";
import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, Field, FieldResolver, ID, Info, InputType, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { connectionType } from "../../shared/pagination.js";
import { linkTargetsOf, ordersOfCustomer, prefetchOrdersOfCustomers, prefetchedOrdersOf } from "../loaders.js";
import { selectsAny } from "../../shared/selection.js";
import { Conflict } from "../types/conflict.js";
import { Customer, toCustomer } from "../types/customer.js";
import { Link } from "../types/link.js";
import { Order, toOrder } from "../types/order.js";
import { QuarantineEntry } from "../types/quarantine-entry.js";
import { ChargebeeCustomerRef, PowerOfficeContactPersonRef, PowerOfficeCustomerRef, PowerOfficeEmployeeRef } from "../types/references.js";
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

@InputType("CustomerFilter")
export class CustomerFilter extends UnifiedFilter {
  @Field(() => String, { nullable: true, description: "Exact email address, case-insensitive." }) email?: string | null;
}

export const CustomerConnection = connectionType("Customer", Customer);

/** Customer and Order fields read from the link table: a list asking for one of them loads its rows' links up front. */
const FIELDS_FROM_LINKS = new Set(["powerofficeContactPersons", "powerofficeEmployees", "powerofficeCustomer", "chargebee", "orders"]);
const ORDER_FIELDS_FROM_LINKS = new Set(["powerofficeSalesOrder", "chargebeeOrder", "chargebeeInvoice"]);
const ORDERS = new Set(["orders"]);

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => CustomerConnection, { description: "Unified customers, by name." })
  async customers(
    @Ctx() ctx: SubgraphContext,
    @Info() info: GraphQLResolveInfo,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("filter", () => CustomerFilter, { nullable: true }) filter?: CustomerFilter,
  ) {
    const page = await listUnified(ctx, "customer", filter, { first, after }, toCustomer);
    const ids = page.edges.map((edge) => edge.node.id);
    if (selectsAny(info, ["edges", "node"], ORDERS)) {
      // Orders (and their links when asked for) for every row at once: Customer.orders then answers without a promise.
      const orders = await prefetchOrdersOfCustomers(ctx, ids);
      if (selectsAny(info, ["edges", "node", "orders"], ORDER_FIELDS_FROM_LINKS)) await linkTargetsOf(ctx).prefetch(orders.map((order) => order.id));
    } else if (selectsAny(info, ["edges", "node"], FIELDS_FROM_LINKS)) {
      await linkTargetsOf(ctx).prefetch(ids);
    }
    return page;
  }

  @Query(() => Customer, { nullable: true, description: "One unified customer (null when unknown)." })
  customer(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    return loadUnified(ctx, "customer", checkUuid(id, "A customer"), toCustomer);
  }

  @FieldResolver(() => [PowerOfficeContactPersonRef], { description: "PowerOffice contact persons that are this customer (F1)." })
  powerofficeContactPersons(@Root() customer: Customer, @Ctx() ctx: SubgraphContext) {
    return linkedRefs(ctx, customer.id, "poweroffice", "ContactPerson");
  }

  @FieldResolver(() => [PowerOfficeEmployeeRef], { description: "PowerOffice employees that are this customer (F2)." })
  powerofficeEmployees(@Root() customer: Customer, @Ctx() ctx: SubgraphContext) {
    return linkedRefs(ctx, customer.id, "poweroffice", "Employee");
  }

  @FieldResolver(() => PowerOfficeCustomerRef, { nullable: true, description: "The PowerOffice customer (person, F3, or company, F4)." })
  powerofficeCustomer(@Root() customer: Customer, @Ctx() ctx: SubgraphContext) {
    return firstLinkedRef(ctx, customer.id, "poweroffice", "Customer");
  }

  @FieldResolver(() => ChargebeeCustomerRef, { nullable: true, description: "The Chargebee customer." })
  chargebee(@Root() customer: Customer, @Ctx() ctx: SubgraphContext) {
    return firstLinkedRef(ctx, customer.id, "chargebee", "customer");
  }

  @FieldResolver(() => [Order], { description: "Unified orders billed to this customer." })
  orders(@Root() customer: Customer, @Ctx() ctx: SubgraphContext, @Info() info: GraphQLResolveInfo): Order[] | Promise<Order[]> {
    const prefetched = prefetchedOrdersOf(ctx).get(customer.id);
    if (prefetched) return prefetched.map(toOrder);
    return this.loadOrders(customer, ctx, info);
  }

  private async loadOrders(customer: Customer, ctx: SubgraphContext, info: GraphQLResolveInfo): Promise<Order[]> {
    const rows = await ordersOfCustomer(ctx).load(customer.id);
    if (selectsAny(info, [], ORDER_FIELDS_FROM_LINKS)) await linkTargetsOf(ctx).prefetch(rows.map((row) => row.id));
    return rows.map(toOrder);
  }

  @FieldResolver(() => [Link], { description: "Every link of this customer, closed ones included." })
  links(@Root() customer: Customer, @Ctx() ctx: SubgraphContext) {
    return linksFor(ctx, customer.id);
  }

  @FieldResolver(() => [Conflict], { description: "Conflicts waiting for a decision." })
  openConflicts(@Root() customer: Customer, @Ctx() ctx: SubgraphContext) {
    return openConflictsFor(ctx, customer.id);
  }

  @FieldResolver(() => [QuarantineEntry], { description: "Open quarantine entries of the linked records." })
  quarantine(@Root() customer: Customer, @Ctx() ctx: SubgraphContext) {
    return quarantineFor(ctx, customer.id);
  }
}
