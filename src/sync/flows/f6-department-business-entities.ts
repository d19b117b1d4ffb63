import { businessEntityFlow } from "./business-entities.js";

/** F6: PowerOffice departments ↔ existing Chargebee business entities of the same name. */
export const F6 = businessEntityFlow({
  id: "F6",
  title: "Departments ↔ business entities (by name)",
  description:
    "A PowerOffice department whose Name equals a Chargebee business entity's name is linked to it (Name↔name); employees and orders of the department are written in that entity.",
  entity: "Department",
  label: "Department",
});
