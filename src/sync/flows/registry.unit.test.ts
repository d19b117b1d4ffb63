import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { checkFlows } from "./check-flows.js";
import { FLOW_IDS, FLOWS, flowName, flowsOfRecordType, flowsReading, readsOf, recordTypesSynced } from "./index.js";

describe("the flow registry", () => {
  test("ids, readable names and what each flow reads are derived from the flow definitions", () => {
    assert.deepEqual(FLOW_IDS, ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12"]);
    assert.equal(flowName("F7"), "F7 Products → Chargebee items");
    const reads = (id: string) => readsOf([id]);
    assert.deepEqual(reads("F1"), { poweroffice: ["ContactPerson"], chargebee: ["customer"] });
    assert.deepEqual(reads("F4"), { poweroffice: ["Customer", "SalesOrder"], chargebee: ["customer"] }, "its filter reads the orders");
    assert.deepEqual(reads("F5"), { poweroffice: ["Customer"], chargebee: ["business_entity"] });
    assert.deepEqual(reads("F7"), { poweroffice: ["Product"], chargebee: ["item", "item_family", "item_price"] });
    assert.deepEqual(reads("F8"), { poweroffice: ["SalesOrder"], chargebee: ["order", "invoice"] }, "the target and the outbox's type");
    assert.deepEqual(reads("F9"), reads("F8"), "lines are read with their orders");
    assert.deepEqual(reads("F10"), { poweroffice: ["Customer", "ContactPerson", "Employee"], chargebee: ["customer"] }, "what it matches against");
    assert.deepEqual(reads("F11"), { poweroffice: ["Product"], chargebee: ["item"] });
    assert.deepEqual(
      reads("F12"),
      { poweroffice: ["SalesOrder", "Customer", "ContactPerson", "Product"], chargebee: ["invoice", "customer", "item", "item_price"] },
      "the customers and items its lines refer to",
    );
  });

  test("which flows a record type belongs to, and which read it", () => {
    assert.deepEqual(flowsOfRecordType("poweroffice", "Customer"), ["F3", "F4", "F5"]);
    assert.deepEqual(flowsOfRecordType("poweroffice", "SalesOrder"), ["F8", "F9"]);
    assert.deepEqual(flowsOfRecordType("poweroffice", "SalesOrderLine"), ["F9"]);
    assert.deepEqual(flowsOfRecordType("chargebee", "customer"), ["F1", "F2", "F3", "F4", "F10"]);
    assert.deepEqual(flowsOfRecordType("chargebee", "invoice"), ["F8", "F9", "F12"]);
    assert.deepEqual(flowsOfRecordType("chargebee", "plan"), []);
    assert.deepEqual(recordTypesSynced("chargebee"), ["customer", "business_entity", "item", "order", "invoice"]);
    assert.deepEqual(flowsReading("poweroffice", "SalesOrderLine"), ["F4", "F8", "F9"]);
    assert.deepEqual(flowsReading("chargebee", "item_price"), ["F7"]);
  });

  test("a misconfigured flow stops the registry at load with every problem named", () => {
    const broken = {
      ...FLOWS,
      F12: {
        ...FLOWS.F7,
        id: "F12",
        title: "Suppliers → Chargebee customers",
        source: { system: "poweroffice" as const, entity: "Supplier" },
        dependsOn: ["F99"],
        writers: {},
      },
      F11: { ...FLOWS.F1, id: "F12", dependsOn: ["F11"] },
    };
    assert.throws(
      () => checkFlows(broken),
      (error: Error) => {
        assert.match(error.message, /^The flow registry is misconfigured:/);
        assert.match(error.message, /flow F12 \(Suppliers → Chargebee customers\): its source type PowerOffice Supplier is not one the readers read/);
        assert.match(error.message, /flow F12 .*: it depends on F99, which is not registered/);
        assert.match(error.message, /flow F12 .*: it creates records \(create: "create"\) but has no writers\.createInChargebee/);
        assert.match(error.message, /flow F12 .*: it is two-way but has no writers\.updateInPowerOffice/);
        assert.match(error.message, /flow F12 .*: its delete policy retires Chargebee records but it has no writers\.retireInChargebee/);
        assert.match(error.message, /flow F11 .*: it is registered as F11 but its id is "F12"/);
        assert.match(error.message, /flows F11 → F11 depend on each other in a circle/);
        return true;
      },
    );
  });
});
