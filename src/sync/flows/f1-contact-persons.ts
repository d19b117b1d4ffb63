import { customerBusinessEntity, personFlow } from "./people.js";

/** F1: every PowerOffice contact person ↔ a Chargebee customer (po-contactperson-<id>). */
export const F1 = personFlow({
  id: "F1",
  title: "Contact persons → Chargebee customers",
  description:
    "Every PowerOffice contact person becomes (or is matched by email to) a Chargebee customer: EmailAddress↔email, FirstName↔first_name, LastName↔last_name.",
  entity: "ContactPerson",
  idPrefix: "po-contactperson",
  label: "Contact person",
  dependsOn: ["F5"],
  businessEntityOf: (record) => customerBusinessEntity(record.parentId),
});
