import "reflect-metadata";
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { loadRecord } from "../../shared/dataset-resolvers.js";
import { ChargebeeItem, ChargebeeItemPrice, ITEM, ITEM_PRICE, toChargebeeItem, toChargebeeItemPrice } from "../types/item.js";
import { ChargebeeInvoiceLineItem, ChargebeeOrderLineItem } from "../types/line-items.js";

type PricedLine = { entityType: string | null; entityId: string | null };

function itemPriceId(line: PricedLine): string | null {
  return line.entityType?.endsWith("item_price") ? line.entityId : null;
}

async function itemOf(line: PricedLine, ctx: SubgraphContext) {
  const price = await loadRecord(ctx, "chargebee", ITEM_PRICE, itemPriceId(line), toChargebeeItemPrice);
  return loadRecord(ctx, "chargebee", ITEM, price?.itemId, toChargebeeItem);
}

@Resolver(() => ChargebeeOrderLineItem)
export class ChargebeeOrderLineItemResolver {
  @FieldResolver(() => ChargebeeItemPrice, { nullable: true, description: "The item price the line bills." })
  itemPrice(@Root() line: ChargebeeOrderLineItem, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "chargebee", ITEM_PRICE, itemPriceId(line), toChargebeeItemPrice);
  }

  @FieldResolver(() => ChargebeeItem, { nullable: true, description: "The item of the line's item price." })
  item(@Root() line: ChargebeeOrderLineItem, @Ctx() ctx: SubgraphContext) {
    return itemOf(line, ctx);
  }
}

@Resolver(() => ChargebeeInvoiceLineItem)
export class ChargebeeInvoiceLineItemResolver {
  @FieldResolver(() => ChargebeeItemPrice, { nullable: true, description: "The item price the line bills." })
  itemPrice(@Root() line: ChargebeeInvoiceLineItem, @Ctx() ctx: SubgraphContext) {
    return loadRecord(ctx, "chargebee", ITEM_PRICE, itemPriceId(line), toChargebeeItemPrice);
  }

  @FieldResolver(() => ChargebeeItem, { nullable: true, description: "The item of the line's item price." })
  item(@Root() line: ChargebeeInvoiceLineItem, @Ctx() ctx: SubgraphContext) {
    return itemOf(line, ctx);
  }
}
