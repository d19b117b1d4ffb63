/** The benchmark's query: unified customers with both sides and their orders (100 customers per request). */
export const UNIFIED_CUSTOMERS_QUERY = /* GraphQL */ `
  query UnifiedCustomers($first: Int!) {
    powerofficeSalesOrders(first: $first) { edges { node { id salesOrderNo } } }
    customers {
      id
    }
  }
`;

/** The same request without the fields other subgraphs resolve: what the link subgraph answers on its own. */
export const LINK_ONLY_QUERY = /* GraphQL */ `
  query UnifiedCustomersLinkOnly($first: Int) {
    customers {
      id
    }
  }
`;
