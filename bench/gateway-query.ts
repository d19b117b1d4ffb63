/** The benchmark's query: unified customers with both sides and their orders (100 customers per request). */
export const UNIFIED_CUSTOMERS_QUERY = /* GraphQL */ `
  query UnifiedCustomers($first: Int!) {
    customers(first: $first) {
      totalCount
      edges {
        node {
          id
          email
          name
          syncState
          lastSyncedAt
          powerofficeContactPersons {
            id
            firstName
            lastName
            emailAddress
          }
          powerofficeCustomer {
            id
            number
            name
            emailAddress
          }
          chargebee {
            id
            firstName
            lastName
            email
          }
          orders {
            id
            currencyCode
            amount
            taxAmount
            powerofficeSalesOrder {
              id
              salesOrderNo
              lines {
                id
                description
                quantity
                productUnitPrice
                vatRate
              }
            }
            chargebeeOrder {
              id
              total
              lineItems {
                id
                description
                amount
                taxAmount
              }
            }
          }
        }
      }
    }
  }
`;

/** The same request without the fields other subgraphs resolve: what the link subgraph answers on its own. */
export const LINK_ONLY_QUERY = /* GraphQL */ `
  query UnifiedCustomersLinkOnly($first: Int!) {
    customers(first: $first) {
      totalCount
      edges {
        node {
          id
          email
          name
          syncState
          lastSyncedAt
          powerofficeContactPersons {
            id
          }
          powerofficeCustomer {
            id
          }
          chargebee {
            id
          }
          orders {
            id
            currencyCode
            amount
            taxAmount
            powerofficeSalesOrder {
              id
            }
            chargebeeOrder {
              id
            }
          }
        }
      }
    }
  }
`;
