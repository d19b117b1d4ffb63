import { test } from "node:test";
import assert from "node:assert/strict";
import type { SyncContext } from "../model/types.js";
import { ensureChargebeeItemPrice, existingItemPrices } from "./writer.js";

/** A context whose Chargebee client only creates item prices (slowly, so calls overlap) and counts them. */
function contextCountingCreates(): { ctx: SyncContext; creates: string[] } {
  const creates: string[] = [];
  const chargebee = {
    async createItemPrice(input: { id: string; itemId: string }) {
      creates.push(input.id);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { record: { id: input.id, item_id: input.itemId, updated_at: 1 }, existing: false };
    },
  };
  // No stored item prices: the lookup of existing ones answers none.
  const knex = () => ({ where: () => ({ whereIn: () => ({ pluck: async () => [] }) }) });
  return { ctx: { chargebee, knex } as unknown as SyncContext, creates };
}

test("orders that need the same new item price at once make it with one create", async () => {
  const { ctx, creates } = contextCountingCreates();
  const input = {
    id: "po-product-7-NOK-VAT25",
    itemId: "po-product-7",
    currencyCode: "NOK",
    unitPrice: 0,
    name: "po-product-7",
    taxProfileId: "vat-25",
  };
  await existingItemPrices(ctx, [input.id]);
  const results = await Promise.all([
    ensureChargebeeItemPrice(ctx, input),
    ensureChargebeeItemPrice(ctx, input),
    ensureChargebeeItemPrice(ctx, input),
  ]);
  assert.deepEqual(creates, [input.id]);
  assert.deepEqual(
    results.map((result) => [result.apiCalls, result.records.length]),
    [
      [1, 1],
      [0, 0],
      [0, 0],
    ],
  );

  const later = await ensureChargebeeItemPrice(ctx, input);
  assert.deepEqual([later.apiCalls, creates.length], [0, 1], "a price made earlier in the process is not created again");
});
