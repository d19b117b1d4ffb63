/**
 * Names for the vendor DTOs this project uses, taken from the types generated out of spec/openapi.excerpt.json.
 * The PatchDto field lists are not in the merged spec (see spec/SOURCE.md); they are written from the official
 * per-area models as summarised in shared/reference/poweroffice-api.md §4.
 */
import { POWEROFFICE_RESOURCE_REGISTRY, POWEROFFICE_SALES_ORDER_LINE_ENTITY } from "./resource-registry.js";
import type { components } from "./spec/openapi-types.js";

export { PATCH_FIELDS } from "./resource-registry.js";

type Schemas = components["schemas"];

export type ContactPerson = Schemas["ContactPersonDto"];
export type ContactPersonPost = Schemas["ContactPersonPostDto"];
export type Customer = Schemas["CustomerDto"];
export type CustomerPost = Schemas["CustomerPostDto"];
export type Employee = Schemas["EmployeeDto"];
export type EmployeePost = Schemas["EmployeePostDto"];
export type Department = Schemas["DepartmentDto"];
export type DepartmentPost = Schemas["DepartmentPostDto"];
export type Product = Schemas["ProductDto"];
export type ProductPost = Schemas["ProductPostDto"];
export type SalesOrder = Schemas["SalesOrderDto"];
export type SalesOrderComplete = Schemas["SalesOrderCompleteDto"];
export type SalesOrderCompletePost = Schemas["SalesOrderCompletePostDto"];
export type SalesOrderLine = Schemas["SalesOrderLineDto"];
export type SalesOrderLinePost = Schemas["SalesOrderLinePostDto"];
export type Address = Schemas["AddressDto"];
export type ContactAddress = Schemas["ContactAddressDto"];
export type ProblemDetails = Schemas["ProblemDetails"];
export type TokenResponse = Schemas["TokenResponseDto"];
export type OAuthErrorResponse = Schemas["ErrorResponseDto"];
export type InvoiceDeliveryType = Schemas["InvoiceDeliveryType"];
export type SalesOrderStatus = Schemas["OrderStatus"];

export type PowerOfficeResourceName = keyof typeof POWEROFFICE_RESOURCE_REGISTRY;

/** The resources, in the registry's order (resource-registry.ts). */
export const POWEROFFICE_RESOURCES = Object.keys(POWEROFFICE_RESOURCE_REGISTRY) as PowerOfficeResourceName[];

/** The resource whose records have this dataset type (undefined for a type no resource holds). */
export function powerOfficeResourceOf(entity: string): PowerOfficeResourceName | undefined {
  return POWEROFFICE_RESOURCES.find((resource) => POWEROFFICE_RESOURCE_REGISTRY[resource].entity === entity);
}

/** Every dataset type of PowerOffice records: the resources' and the sales order lines stored with their orders. */
export function powerOfficeEntities(): string[] {
  return [...POWEROFFICE_RESOURCES.map((resource) => POWEROFFICE_RESOURCE_REGISTRY[resource].entity), POWEROFFICE_SALES_ORDER_LINE_ENTITY];
}

/** A contact person is addressed by its parent contact (customer or supplier) id and its own id. */
export interface ContactPersonKey {
  contactId: number;
  id: number;
}

/** Fields a JSON Patch may touch, per resource (the vendor's XxxPatchDto). */
export type ContactPersonPatchField =
  "EmailAddress" | "ExternalCode" | "FirstName" | "IsActive" | "IsDefault" | "LastName" | "MailAddress" | "PhoneNumber" | "Title";
export type CustomerPatchField = Exclude<
  keyof CustomerPost,
  "DeliveryTerm" | "DepartmentCode" | "InvoiceBrandingThemeCode" | "PaymentTerm" | "SalesPersonEmployeeNumber" | "SubLedgerNumberSeriesId"
>;
export type EmployeePatchField = Exclude<keyof EmployeePost, "DepartmentCode" | "LocationCode" | "ManagerEmployeeNo" | "SubLedgerNumberSeriesId">;
export type DepartmentPatchField = "Code" | "IsActive" | "ManagerEmployeeId" | "Name";
export type ProductPatchField =
  | "Code"
  | "Description"
  | "Gtin"
  | "IsArchived"
  | "IsStockItem"
  | "Name"
  | "OptionalSalesAccountId"
  | "ProductGroupId"
  | "ProductType"
  | "StandardSalesAccountId"
  | "StockOnHand"
  | "UnitCost"
  | "UnitOfMeasureCode"
  | "UnitPrice";
export type SalesOrderPatchField =
  | "BrandingThemeId"
  | "ContactDeliveryAddressId"
  | "ContractNo"
  | "CurrencyCode"
  | "CurrencyExchangeRate"
  | "CustomMatchingReference"
  | "CustomerId"
  | "CustomerReference"
  | "CustomerReferenceContactPersonId"
  | "DeliveryDate"
  | "DeliveryTermId"
  | "DepartmentId"
  | "Dim1Id"
  | "Dim2Id"
  | "Dim3Id"
  | "ExternalImportReference"
  | "ImportedOrderNo"
  | "LocationId"
  | "PaymentTermId"
  | "ProjectId"
  | "PurchaseOrderReference"
  | "RelatedInvoiceNo"
  | "SalesOrderDate"
  | "SalesOrderStatus"
  | "SalesPersonEmployeeId";
export type SalesOrderLinePatchField =
  | "Allowance"
  | "DepartmentId"
  | "Description"
  | "Dim1Id"
  | "Dim2Id"
  | "Dim3Id"
  | "ExternalImportReference"
  | "LineType"
  | "LocationId"
  | "ProductId"
  | "ProductUnitCost"
  | "ProductUnitPrice"
  | "ProjectId"
  | "Quantity"
  | "SellersReferenceEmployeeId"
  | "SortOrder"
  | "UnitOfMeasureCode"
  | "UseStandardSalesAccount"
  | "VatReturnSpecification";

/** Per resource: the record read, the body posted, the key addressing one record, the patchable fields. */
export interface PowerOfficeResourceTypes {
  ContactPersons: {
    record: ContactPerson;
    post: ContactPersonPost;
    created: ContactPerson;
    key: ContactPersonKey;
    patchField: ContactPersonPatchField;
  };
  Customers: { record: Customer; post: CustomerPost; created: Customer; key: number; patchField: CustomerPatchField };
  Employees: { record: Employee; post: EmployeePost; created: Employee; key: number; patchField: EmployeePatchField };
  Departments: { record: Department; post: DepartmentPost; created: Department; key: number; patchField: DepartmentPatchField };
  Products: { record: Product; post: ProductPost; created: Product; key: number; patchField: ProductPatchField };
  SalesOrders: { record: SalesOrder; post: SalesOrderCompletePost; created: SalesOrderComplete; key: string; patchField: SalesOrderPatchField };
}
export type RecordOf<R extends PowerOfficeResourceName> = PowerOfficeResourceTypes[R]["record"];
export type PostOf<R extends PowerOfficeResourceName> = PowerOfficeResourceTypes[R]["post"];
export type CreatedOf<R extends PowerOfficeResourceName> = PowerOfficeResourceTypes[R]["created"];
export type KeyOf<R extends PowerOfficeResourceName> = PowerOfficeResourceTypes[R]["key"];
export type PatchFieldOf<R extends PowerOfficeResourceName> = PowerOfficeResourceTypes[R]["patchField"];
