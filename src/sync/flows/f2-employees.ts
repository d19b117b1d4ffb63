import { departmentBusinessEntity, personFlow } from "./people.js";

/** F2: every PowerOffice employee ↔ a Chargebee customer (po-employee-<id>). */
export const F2 = personFlow({
  id: "F2",
  title: "Employees → Chargebee customers",
  description:
    "Every PowerOffice employee becomes (or is matched by email to) a Chargebee customer: EmailAddress↔email, FirstName↔first_name, LastName↔last_name.",
  entity: "Employee",
  idPrefix: "po-employee",
  label: "Employee",
  dependsOn: ["F6"],
  businessEntityOf: (record) => departmentBusinessEntity(record.data.DepartmentId),
});
