import "reflect-metadata";
import { Directive, Field, ID, ObjectType } from "type-graphql";
import { recordTypesSynced } from "../../../src/sync/index.js";

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

/** The GraphQL reference type of a record type: PowerOffice + the type, Chargebee + the type in PascalCase. */
export function referenceTypeName(system: SourceSystemName, entity: string): string {
  if (system === "poweroffice") return `PowerOffice${entity}`;
  return `Chargebee${entity
    .split("_")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("")}`;
}

/** The reference classes, by GraphQL name. */
const REFERENCE_CLASSES: Record<string, unknown> = {
  PowerOfficeContactPerson: PowerOfficeContactPersonRef,
  PowerOfficeEmployee: PowerOfficeEmployeeRef,
  PowerOfficeCustomer: PowerOfficeCustomerRef,
  PowerOfficeDepartment: PowerOfficeDepartmentRef,
  PowerOfficeProduct: PowerOfficeProductRef,
  PowerOfficeSalesOrder: PowerOfficeSalesOrderRef,
  ChargebeeCustomer: ChargebeeCustomerRef,
  ChargebeeItem: ChargebeeItemRef,
  ChargebeeOrder: ChargebeeOrderRef,
  ChargebeeInvoice: ChargebeeInvoiceRef,
  ChargebeeBusinessEntity: ChargebeeBusinessEntityRef,
};

type SourceSystemName = "poweroffice" | "chargebee";

/**
 * The reference types the link subgraph resolves: one for each record type a flow syncs as its own (the flow
 * registry says which), checked at start against the classes above, so a new flow over a new type fails at start
 * naming the class to add rather than answering a reference nobody resolves.
 */
export function referenceTypeNames(): string[] {
  const names = (["poweroffice", "chargebee"] as const).flatMap((system) =>
    recordTypesSynced(system, { withParts: false }).map((entity) => referenceTypeName(system, entity)),
  );
  const missing = names.filter((name) => !Object.hasOwn(REFERENCE_CLASSES, name));
  if (missing.length > 0) {
    throw new Error(
      `The flows sync record types the link subgraph has no reference type for: ${missing.join(", ")}; add them to subgraphs/link/types/references.ts`,
    );
  }
  return names;
}
