import { businessEntityFlow } from "./business-entities.js";

/** F5: PowerOffice customers ↔ existing Chargebee business entities of the same name. */
export const F5 = businessEntityFlow({
  id: "F5",
  title: "Customers ↔ business entities (by name)",
  description:
    "A PowerOffice customer whose Name equals a Chargebee business entity's name is linked to it (Name↔name); writes for that customer are scoped to the entity.",
  entity: "Customer",
  label: "Customer",
});
