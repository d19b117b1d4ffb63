import { ADDRESS_FIELD, customerBusinessEntity, personFlow } from "./people.js";

/** F3: PowerOffice customers with IsPerson ↔ a Chargebee customer (po-customer-<id>). */
export const F3 = personFlow({
  id: "F3",
  title: "Person customers → Chargebee customers",
  description:
    "PowerOffice customers that are persons (IsPerson) become (or are matched by email to) a Chargebee customer: EmailAddress↔email, FirstName↔first_name, LastName↔last_name, MailAddress↔billing_address.",
  entity: "Customer",
  idPrefix: "po-customer",
  label: "Person customer",
  sourceFilter: { where: { property: "IsPerson", is: true } },
  dependsOn: ["F5"],
  extraFields: [ADDRESS_FIELD],
  businessEntityOf: (record) => customerBusinessEntity(record.sourceId),
});
