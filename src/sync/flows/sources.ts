import type { ChargebeeReadableResource } from "../../connectors/chargebee/index.js";
import type { FlowId } from "../model/types.js";

/** What each flow needs read, from each side (F4's create rule also needs the sales orders). */
export const SOURCES: Record<FlowId, { poweroffice: string[]; chargebee: Array<ChargebeeReadableResource | "business_entity"> }> = {
  F1: { poweroffice: ["ContactPerson"], chargebee: ["customer"] },
  F2: { poweroffice: ["Employee"], chargebee: ["customer"] },
  F3: { poweroffice: ["Customer"], chargebee: ["customer"] },
  F4: { poweroffice: ["Customer", "SalesOrder"], chargebee: ["customer"] },
  F5: { poweroffice: ["Customer"], chargebee: ["business_entity"] },
  F6: { poweroffice: ["Department"], chargebee: ["business_entity"] },
  F7: { poweroffice: ["Product"], chargebee: ["item_family", "item", "item_price"] },
  F8: { poweroffice: ["SalesOrder"], chargebee: ["invoice", "order"] },
  F9: { poweroffice: ["SalesOrder"], chargebee: ["invoice", "order"] },
};

/** The flows that read records of this type (a sales order line is read with its order). */
export function flowsReading(system: "poweroffice" | "chargebee", entity: string): FlowId[] {
  const read = system === "poweroffice" && entity === "SalesOrderLine" ? "SalesOrder" : entity;
  return (Object.keys(SOURCES) as FlowId[]).filter((flow) => (SOURCES[flow][system] as readonly string[]).includes(read));
}
