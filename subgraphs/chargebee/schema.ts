import "reflect-metadata";
import { buildFederatedSchema } from "../shared/federation.js";
import { datasetReference } from "../shared/dataset-resolvers.js";
import { ChargebeeBusinessEntityResolver } from "./resolvers/business-entity.resolver.js";
import { ChargebeeCustomerResolver } from "./resolvers/customer.resolver.js";
import { ChargebeeInvoiceResolver } from "./resolvers/invoice.resolver.js";
import { ChargebeeItemResolver } from "./resolvers/item.resolver.js";
import { ChargebeeInvoiceLineItemResolver, ChargebeeOrderLineItemResolver } from "./resolvers/line-item.resolver.js";
import { ChargebeeOrderResolver } from "./resolvers/order.resolver.js";
import { BUSINESS_ENTITY, toChargebeeBusinessEntity } from "./types/business-entity.js";
import { CUSTOMER, toChargebeeCustomer } from "./types/customer.js";
import { INVOICE, toChargebeeInvoice } from "./types/invoice.js";
import { ITEM, toChargebeeItem } from "./types/item.js";
import { ORDER, toChargebeeOrder } from "./types/order.js";

/** The chargebee subgraph: Chargebee records as the datasets hold them (never the API per request). */
export function buildChargebeeSubgraph() {
  return buildFederatedSchema(
    {
      resolvers: [
        ChargebeeCustomerResolver,
        ChargebeeItemResolver,
        ChargebeeOrderResolver,
        ChargebeeOrderLineItemResolver,
        ChargebeeInvoiceResolver,
        ChargebeeInvoiceLineItemResolver,
        ChargebeeBusinessEntityResolver,
      ],
    },
    {
      ChargebeeCustomer: datasetReference("chargebee", CUSTOMER, toChargebeeCustomer),
      ChargebeeItem: datasetReference("chargebee", ITEM, toChargebeeItem),
      ChargebeeOrder: datasetReference("chargebee", ORDER, toChargebeeOrder),
      ChargebeeInvoice: datasetReference("chargebee", INVOICE, toChargebeeInvoice),
      ChargebeeBusinessEntity: datasetReference("chargebee", BUSINESS_ENTITY, toChargebeeBusinessEntity),
    },
  );
}
