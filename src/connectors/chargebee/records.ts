import { CHARGEBEE_RESOURCE_REGISTRY, type ChargebeeDatasetEntity } from "./resource-registry.js";
import type { SourceRecordInput } from "../../datasets/types.js";

/** The Chargebee resource keys the datasets store (the API's own names, as in `{"customer": {...}}`). */
export const CHARGEBEE_DATASET_ENTITIES = Object.keys(CHARGEBEE_RESOURCE_REGISTRY) as ChargebeeDatasetEntity[];
export type { ChargebeeDatasetEntity };

export function isChargebeeDatasetEntity(key: string): key is ChargebeeDatasetEntity {
  return (CHARGEBEE_DATASET_ENTITIES as readonly string[]).includes(key);
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

function nameOf(entity: string, record: Record<string, unknown>): string | null {
  switch (entity) {
    case "customer": {
      const person = [text(record.first_name), text(record.last_name)].filter(Boolean).join(" ");
      return text(record.company) ?? (person || null);
    }
    case "invoice":
      return text(record.po_number);
    case "order":
      return text(record.document_number) ?? text(record.reference_id);
    default:
      return text(record.name);
  }
}

/** The record a sub-resource belongs to: an item's family, a price's item, an invoice's or order's customer. */
function parentOf(entity: string, record: Record<string, unknown>): string | null {
  switch (entity) {
    case "customer":
      return text((record.relationship as { parent_id?: unknown } | undefined)?.parent_id);
    case "item":
      return text(record.item_family_id);
    case "item_price":
      return text(record.item_id);
    case "invoice":
    case "order":
      return text(record.customer_id);
    default:
      return null;
  }
}

/**
 * One Chargebee object (as a list, retrieve, event or webhook returns it) as a dataset record: email case-folded by
 * the store, a display name, the parent id, the deleted flag and the source change time from updated_at.
 */
export function chargebeeRecordFrom(resourceKey: string, object: Record<string, unknown>): SourceRecordInput {
  const id = text(object.id);
  if (!id) throw new Error(`A Chargebee ${resourceKey} without an id cannot be stored`);
  const changedAt = typeof object.updated_at === "number" ? object.updated_at : typeof object.created_at === "number" ? object.created_at : null;
  return {
    system: "chargebee",
    entity: resourceKey,
    sourceId: id,
    data: object,
    sourceChangedAt: changedAt === null ? null : new Date(changedAt * 1000),
    deleted: object.deleted === true || object.status === "deleted",
    email: resourceKey === "customer" ? (text(object.email)?.toLowerCase() ?? null) : null,
    name: nameOf(resourceKey, object),
    parentId: parentOf(resourceKey, object),
  };
}
