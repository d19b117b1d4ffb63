import "reflect-metadata";
import { buildFederatedSchema } from "../shared/federation.js";
import { datasetReference } from "../shared/dataset-resolvers.js";
import { PowerOfficeContactPersonResolver } from "./resolvers/contact-person.resolver.js";
import { PowerOfficeCustomerResolver } from "./resolvers/customer.resolver.js";
import { PowerOfficeDepartmentResolver } from "./resolvers/department.resolver.js";
import { PowerOfficeEmployeeResolver } from "./resolvers/employee.resolver.js";
import { PowerOfficeProductResolver } from "./resolvers/product.resolver.js";
import { PowerOfficeSalesOrderLineResolver } from "./resolvers/sales-order-line.resolver.js";
import { PowerOfficeSalesOrderResolver } from "./resolvers/sales-order.resolver.js";
import { CONTACT_PERSON, toPowerOfficeContactPerson } from "./types/contact-person.js";
import { CUSTOMER, toPowerOfficeCustomer } from "./types/customer.js";
import { DEPARTMENT, toPowerOfficeDepartment } from "./types/department.js";
import { EMPLOYEE, toPowerOfficeEmployee } from "./types/employee.js";
import { PRODUCT, toPowerOfficeProduct } from "./types/product.js";
import { SALES_ORDER, toPowerOfficeSalesOrder } from "./types/sales-order.js";
import { SALES_ORDER_LINE, toPowerOfficeSalesOrderLine } from "./types/sales-order-line.js";

/** The poweroffice subgraph: PowerOffice Go records as the datasets hold them (never the API per request). */
export function buildPowerOfficeSubgraph() {
  return buildFederatedSchema(
    {
      resolvers: [
        PowerOfficeContactPersonResolver,
        PowerOfficeCustomerResolver,
        PowerOfficeEmployeeResolver,
        PowerOfficeDepartmentResolver,
        PowerOfficeProductResolver,
        PowerOfficeSalesOrderResolver,
        PowerOfficeSalesOrderLineResolver,
      ],
    },
    {
      PowerOfficeContactPerson: datasetReference("poweroffice", CONTACT_PERSON, toPowerOfficeContactPerson),
      PowerOfficeCustomer: datasetReference("poweroffice", CUSTOMER, toPowerOfficeCustomer),
      PowerOfficeEmployee: datasetReference("poweroffice", EMPLOYEE, toPowerOfficeEmployee),
      PowerOfficeDepartment: datasetReference("poweroffice", DEPARTMENT, toPowerOfficeDepartment),
      PowerOfficeProduct: datasetReference("poweroffice", PRODUCT, toPowerOfficeProduct),
      PowerOfficeSalesOrder: datasetReference("poweroffice", SALES_ORDER, toPowerOfficeSalesOrder),
      PowerOfficeSalesOrderLine: datasetReference("poweroffice", SALES_ORDER_LINE, toPowerOfficeSalesOrderLine),
    },
  );
}
