import "reflect-metadata";
import { Directive, Field, ID, ObjectType } from "type-graphql";

/*
 * The records of the other subgraphs, as references: the link subgraph knows only their ids (from the link table);
 * the gateway fetches their fields from the poweroffice and chargebee subgraphs. They are resolvable here too, so the
 * link subgraph can add the way back to the unified record (unifiedCustomer, unifiedOrder, …).
 */

@ObjectType("PowerOfficeContactPerson")
@Directive(`@key(fields: "id")`)
export class PowerOfficeContactPersonRef {
  @Field(() => ID) id!: string;
}

@ObjectType("PowerOfficeEmployee")
@Directive(`@key(fields: "id")`)
export class PowerOfficeEmployeeRef {
  @Field(() => ID) id!: string;
}

@ObjectType("PowerOfficeCustomer")
@Directive(`@key(fields: "id")`)
export class PowerOfficeCustomerRef {
  @Field(() => ID) id!: string;
}

@ObjectType("PowerOfficeDepartment")
@Directive(`@key(fields: "id")`)
export class PowerOfficeDepartmentRef {
  @Field(() => ID) id!: string;
}

@ObjectType("PowerOfficeProduct")
@Directive(`@key(fields: "id")`)
export class PowerOfficeProductRef {
  @Field(() => ID) id!: string;
}

@ObjectType("PowerOfficeSalesOrder")
@Directive(`@key(fields: "id")`)
export class PowerOfficeSalesOrderRef {
  @Field(() => ID) id!: string;
}

@ObjectType("ChargebeeCustomer")
@Directive(`@key(fields: "id")`)
export class ChargebeeCustomerRef {
  @Field(() => ID) id!: string;
}

@ObjectType("ChargebeeItem")
@Directive(`@key(fields: "id")`)
export class ChargebeeItemRef {
  @Field(() => ID) id!: string;
}

@ObjectType("ChargebeeOrder")
@Directive(`@key(fields: "id")`)
export class ChargebeeOrderRef {
  @Field(() => ID) id!: string;
}

@ObjectType("ChargebeeInvoice")
@Directive(`@key(fields: "id")`)
export class ChargebeeInvoiceRef {
  @Field(() => ID) id!: string;
}

@ObjectType("ChargebeeBusinessEntity")
@Directive(`@key(fields: "id")`)
export class ChargebeeBusinessEntityRef {
  @Field(() => ID) id!: string;
}

/** Which reference type stands for which dataset entity (the entity names are the APIs' own). */
export const REFERENCE_TYPES = {
  poweroffice: {
    ContactPerson: "PowerOfficeContactPerson",
    Employee: "PowerOfficeEmployee",
    Customer: "PowerOfficeCustomer",
    Department: "PowerOfficeDepartment",
    Product: "PowerOfficeProduct",
    SalesOrder: "PowerOfficeSalesOrder",
  },
  chargebee: {
    customer: "ChargebeeCustomer",
    item: "ChargebeeItem",
    order: "ChargebeeOrder",
    invoice: "ChargebeeInvoice",
    business_entity: "ChargebeeBusinessEntity",
  },
} as const;
