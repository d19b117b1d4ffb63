import "reflect-metadata";
import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { connectionType } from "../../shared/pagination.js";
import { Conflict } from "../types/conflict.js";
import { Item, toItem } from "../types/item.js";
import { Link } from "../types/link.js";
import { QuarantineEntry } from "../types/quarantine-entry.js";
import { ChargebeeItemRef, PowerOfficeProductRef } from "../types/references.js";
import { UnifiedFilter, checkUuid, firstLinkedRef, linksFor, listUnified, loadUnified, openConflictsFor, quarantineFor } from "./unified-support.js";

export const ItemConnection = connectionType("Item", Item);

@Resolver(() => Item)
export class ItemResolver {
  @Query(() => ItemConnection, { description: "Unified items (products), by name." })
  items(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("filter", () => UnifiedFilter, { nullable: true }) filter?: UnifiedFilter,
  ) {
    return listUnified(ctx, "item", filter, { first, after }, toItem);
  }

  @Query(() => Item, { nullable: true, description: "One unified item (null when unknown)." })
  item(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    return loadUnified(ctx, "item", checkUuid(id, "An item"), toItem);
  }

  @FieldResolver(() => PowerOfficeProductRef, { nullable: true })
  powerofficeProduct(@Root() item: Item, @Ctx() ctx: SubgraphContext) {
    return firstLinkedRef(ctx, item.id, "poweroffice", "Product");
  }

  @FieldResolver(() => ChargebeeItemRef, { nullable: true })
  chargebee(@Root() item: Item, @Ctx() ctx: SubgraphContext) {
    return firstLinkedRef(ctx, item.id, "chargebee", "item");
  }

  @FieldResolver(() => [Link])
  links(@Root() item: Item, @Ctx() ctx: SubgraphContext) {
    return linksFor(ctx, item.id);
  }

  @FieldResolver(() => [Conflict])
  openConflicts(@Root() item: Item, @Ctx() ctx: SubgraphContext) {
    return openConflictsFor(ctx, item.id);
  }

  @FieldResolver(() => [QuarantineEntry])
  quarantine(@Root() item: Item, @Ctx() ctx: SubgraphContext) {
    return quarantineFor(ctx, item.id);
  }
}
