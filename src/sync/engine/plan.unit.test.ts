import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CREATION_FLOWS, FLOWS, flowById, FLOW_IDS, isCreationFlowId } from "../flows/index.js";
import { selectedFlows, stageFlows, toWorkItems } from "./plan.js";

describe("planning", () => {
  test("stages follow the dependencies: business entities, then people/companies/products, then orders with their lines", () => {
    // F11 runs after F7 and F10 after the people and companies, so what those linked in a run is not created again;
    // F12's invoices after the customers and items they refer to, whichever side they were born in.
    assert.deepEqual(stageFlows(selectedFlows(undefined)), [["F5", "F6", "F7"], ["F1", "F2", "F3", "F4", "F11"], ["F8", "F9", "F10"], ["F12"]]);
  });

  test("a selection keeps only the dependencies it contains; the people of one group share a stage", () => {
    assert.deepEqual(stageFlows(["F1", "F8"]), [["F1"], ["F8"]]);
    assert.deepEqual(stageFlows(["F2", "F6", "F1"].sort() as never), [["F6"], ["F1", "F2"]]);
    assert.deepEqual(stageFlows(["F9"]), [["F9"]]);
  });

  test("people sharing an email (any flow) are one work item, in a stable order", () => {
    const items = toWorkItems([
      { flow: "F2", source_id: "5", email: "kari@example.no", name: null },
      { flow: "F1", source_id: "12", email: "kari@example.no", name: null },
      { flow: "F1", source_id: "3", email: "kari@example.no", name: null },
      { flow: "F1", source_id: "4", email: null, name: null },
      { flow: "F7", source_id: "4", email: null, name: "Kaffe" },
      { flow: "F7", source_id: "4", email: null, name: "Kaffe" },
    ]);
    assert.deepEqual(
      items.map((item) => [item.key, item.records.map((record) => `${record.flow}:${record.sourceId}`)]),
      [
        ["person:kari@example.no", ["F1:3", "F1:12", "F2:5"]],
        ["F1:4", ["F1:4"]],
        ["F7:4", ["F7:4"]],
      ],
    );
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(items)), "work items travel as JSON");
  });

  test("every flow declares what the engine needs", () => {
    for (const id of FLOW_IDS.filter((flowId) => !isCreationFlowId(flowId))) {
      const flow = flowById(id);
      assert.equal(flow.id, id);
      assert.ok(flow.title && flow.description && flow.deletePolicy.description, `${id} is documented`);
      if (flow.direction === "two-way") assert.ok(flow.writers.updateInPowerOffice, `${id} can write back to PowerOffice`);
      if (flow.create === "create" && !flow.parent) assert.ok(flow.writers.createInChargebee, `${id} can create`);
    }
  });

  test("every creation flow pairs with a flow that keeps the pair in sync, and skips the records we made", () => {
    const record = (sourceId: string, data: Record<string, unknown> = {}) => ({ sourceId, data }) as never;
    assert.equal(CREATION_FLOWS.F10.pairedFlow?.(record("cb-1", { company: "Fjordlys AS" })), "F4");
    assert.equal(CREATION_FLOWS.F10.pairedFlow?.(record("cb-1", { company: "  " })), "F3");
    assert.equal(CREATION_FLOWS.F11.pairedFlow?.(record("cb-item")), "F7");
    assert.match(CREATION_FLOWS.F10.skipReason(record("po-contactperson-1"))!, /made by this sync/);
    assert.equal(CREATION_FLOWS.F11.skipReason(record("cb-plan", { type: "plan", status: "active" })), null);
    assert.match(CREATION_FLOWS.F11.skipReason(record("cb-old", { type: "charge", status: "archived" }))!, /archived/);
    assert.equal(CREATION_FLOWS.F12.pairedFlow, undefined, "an invoice's sales order is linked under F12 itself");
    assert.match(CREATION_FLOWS.F12.skipReason(record("1001", { po_number: "po-so-3f2504e0", status: "paid" }))!, /made by this sync/);
    assert.match(CREATION_FLOWS.F12.skipReason(record("1002", { status: "voided" }))!, /voided/);
    const settings = { invoicesFrom: "2026-01-01" } as never;
    assert.match(CREATION_FLOWS.F12.skipReason(record("1003", { status: "paid", date: 1735689600 }), settings)!, /before SYNC_INVOICES_FROM/);
    assert.equal(CREATION_FLOWS.F12.skipReason(record("1004", { status: "paid", date: 1767225600 }), settings), null);
    for (const flow of Object.values(CREATION_FLOWS))
      for (const dependency of flow.dependsOn) assert.ok(isCreationFlowId(dependency) ? CREATION_FLOWS[dependency] : flowById(dependency));
  });

  test("deterministic Chargebee ids fit Chargebee's limits", () => {
    const record = (sourceId: string) => ({ sourceId, data: {} }) as never;
    assert.equal(FLOWS.F1.targetId(record("123")), "po-contactperson-123");
    assert.equal(FLOWS.F2.targetId(record("5")), "po-employee-5");
    assert.equal(FLOWS.F4.targetId(record("9")), "po-customer-9");
    assert.equal(FLOWS.F7.targetId(record("7")), "po-product-7");
    const orderId = FLOWS.F8.targetId(record("3f2504e0-4f89-11d3-9a0c-0305e82c3301"));
    assert.equal(orderId, "po-so-3f2504e04f8911d39a0c0305e82c3301");
    assert.ok(orderId.length <= 40);
  });
});
