import { ObjectType } from "type-graphql";
import { DatasetEntity } from "../../shared/dataset-entity.js";
import { epochSeconds } from "../../shared/json-fields.js";

/** What every Chargebee record type reads the same way: deleted also from the object's own flag, changes by updated_at. */
// Decorated like DatasetEntity (no resolver returns it, so it stays out of the schema): type-graphql passes the
// shared fields on only through decorated classes.
@ObjectType("ChargebeeDatasetEntity", { description: "Not in the schema: what Chargebee record types share." })
export abstract class ChargebeeDatasetEntity extends DatasetEntity {
  override get deleted(): boolean {
    return this.row.deleted || this.row.data.deleted === true;
  }

  protected override changedAtInData(): Date | null {
    return epochSeconds(this.row.data, "updated_at");
  }
}
