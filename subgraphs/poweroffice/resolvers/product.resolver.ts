import "reflect-metadata";
import { whereJsonField, whereJsonFlagNotTrue } from "../../../src/datasets/record-queries.js";
import { Arg, Ctx, Field, ID, InputType, Int, Query, Resolver } from "type-graphql";
import type { SubgraphContext } from "../../shared/context.js";
import { DatasetFilter } from "../../shared/dataset-entity.js";
import { listRecords, loadRecord } from "../../shared/dataset-resolvers.js";
import { connectionType } from "../../shared/pagination.js";
import { PRODUCT, PowerOfficeProduct, toPowerOfficeProduct } from "../types/product.js";

@InputType("PowerOfficeProductFilter")
export class PowerOfficeProductFilter extends DatasetFilter {
  @Field(() => String, { nullable: true }) code?: string | null;
  @Field(() => String, { nullable: true, description: "Product or Service." }) productType?: string | null;
  @Field(() => Boolean, { nullable: true }) isArchived?: boolean | null;
}

export const PowerOfficeProductConnection = connectionType("PowerOfficeProduct", PowerOfficeProduct);

@Resolver(() => PowerOfficeProduct)
export class PowerOfficeProductResolver {
  @Query(() => PowerOfficeProductConnection, { description: "PowerOffice products, in id order." })
  powerofficeProducts(
    @Ctx() ctx: SubgraphContext,
    @Arg("after", () => String, { nullable: true }) after?: string,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("filter", () => PowerOfficeProductFilter, { nullable: true }) filter?: PowerOfficeProductFilter,
  ) {
    return listRecords(ctx, "poweroffice", PRODUCT, filter, { first, after }, toPowerOfficeProduct, (query, f, knex) => {
      whereJsonField(knex, query, "Code", f.code);
      whereJsonField(knex, query, "ProductType", f.productType);
      if (f.isArchived === true) whereJsonField(knex, query, "IsArchived", true);
      if (f.isArchived === false) whereJsonFlagNotTrue(query, "IsArchived");
    });
  }

  @Query(() => PowerOfficeProduct, { nullable: true, description: "One PowerOffice product by id (null when unknown)." })
  powerofficeProduct(@Ctx() ctx: SubgraphContext, @Arg("id", () => ID) id: string) {
    return loadRecord(ctx, "poweroffice", PRODUCT, id, toPowerOfficeProduct);
  }
}
