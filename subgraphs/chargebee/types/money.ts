import { GraphQLSafeInt } from "graphql-scalars";

/** Chargebee money: integers in the currency's minor unit (øre for NOK). SafeInt: 53-bit, as Int's 32 bits end at 21 million NOK. */
export const Money = GraphQLSafeInt;
export const MONEY_NOTE = "In minor units (øre for NOK), as Chargebee sends it.";
