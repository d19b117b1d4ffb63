import type { FlowDefinition } from "../model/flow-definition.js";
import type { FlowId } from "../model/types.js";
import { F1 } from "./f1-contact-persons.js";
import { F2 } from "./f2-employees.js";
import { F3 } from "./f3-person-customers.js";
import { F4 } from "./f4-company-customers.js";
import { F5 } from "./f5-customer-business-entities.js";
import { F6 } from "./f6-department-business-entities.js";
import { F7 } from "./f7-products.js";
import { F8 } from "./f8-sales-orders.js";
import { F9 } from "./f9-sales-order-lines.js";

/** Every flow, by id. Adding a flow: a new file here and an entry in this registry; the engine is unchanged. */
export const FLOWS: Record<FlowId, FlowDefinition> = { F1, F2, F3, F4, F5, F6, F7, F8, F9 };

export type { FlowDefinition };
