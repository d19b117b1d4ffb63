import "reflect-metadata";
import { buildFederatedSchema, type ReferenceResolvers } from "../shared/federation.js";
import { BusinessEntityResolver } from "./resolvers/business-entity.resolver.js";
import { ConflictResolver } from "./resolvers/conflict.resolver.js";
import { CustomerHistoryResolver, FieldChangeResolver, ItemHistoryResolver, OrderHistoryResolver } from "./resolvers/history.resolver.js";
import { CustomerResolver } from "./resolvers/customer.resolver.js";
import { ItemResolver } from "./resolvers/item.resolver.js";
import { LinkResultResolver } from "./resolvers/link-result.resolver.js";
import { OrderResolver } from "./resolvers/order.resolver.js";
import { QuarantineResolver } from "./resolvers/quarantine.resolver.js";
import { UnmatchedRecordResolver } from "./resolvers/unmatched.resolver.js";
import { SOURCE_RECORD_LINK_RESOLVERS } from "./resolvers/source-records.resolver.js";
import { SyncFlowResolver } from "./resolvers/sync-flow.resolver.js";
import { SyncRunResolver } from "./resolvers/sync-run.resolver.js";
import { unifiedReference } from "./resolvers/unified-support.js";
import { WriteThroughResolver } from "./resolvers/write-through.resolver.js";
import { toBusinessEntity } from "./types/business-entity.js";
import { toCustomer } from "./types/customer.js";
import { toItem } from "./types/item.js";
import { toOrder } from "./types/order.js";
import { referenceTypeNames } from "./types/references.js";

/** A reference to another subgraph's record resolves to its id: the fields this subgraph adds need nothing more. */
const idReference = { __resolveReference: (reference: { id: string }) => ({ id: reference.id }) };

function sourceRecordReferences(): ReferenceResolvers {
  const references: ReferenceResolvers = {};
  for (const typeName of referenceTypeNames()) {
    references[typeName] = idReference;
  }
  return references;
}

/** The link subgraph: unified records from the link table, their sync state, the sync runs and the sync mutations. */
export function buildLinkSubgraph() {
  return buildFederatedSchema(
    {
      resolvers: [
        CustomerResolver,
        OrderResolver,
        ItemResolver,
        BusinessEntityResolver,
        SyncRunResolver,
        SyncFlowResolver,
        ConflictResolver,
        FieldChangeResolver,
        CustomerHistoryResolver,
        OrderHistoryResolver,
        ItemHistoryResolver,
        QuarantineResolver,
        UnmatchedRecordResolver,
        LinkResultResolver,
        WriteThroughResolver,
        ...SOURCE_RECORD_LINK_RESOLVERS,
      ],
    },
    {
      Customer: unifiedReference("customer", toCustomer),
      Order: unifiedReference("order", toOrder),
      Item: unifiedReference("item", toItem),
      BusinessEntity: unifiedReference("business_entity", toBusinessEntity),
      ...sourceRecordReferences(),
    },
  );
}
