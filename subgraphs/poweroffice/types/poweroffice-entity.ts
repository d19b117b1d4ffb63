import { ObjectType } from "type-graphql";
import { DatasetEntity } from "../../shared/dataset-entity.js";
import { isoDate } from "../../shared/json-fields.js";

/** What every PowerOffice record type with a change time reads the same way: LastChangedDateTimeOffset. */
// Decorated like DatasetEntity (no resolver returns it, so it stays out of the schema): type-graphql passes the
// shared fields on only through decorated classes.
@ObjectType("PowerOfficeDatasetEntity", { description: "Not in the schema: what PowerOffice record types share." })
export abstract class PowerOfficeDatasetEntity extends DatasetEntity {
  protected override changedAtInData(): Date | null {
    return isoDate(this.row.data, "LastChangedDateTimeOffset");
  }
}
