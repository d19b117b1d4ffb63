import type { Knex } from "knex";
import type { SystemName } from "../../config/config.js";
import { anyFlowById, flowById, flowsOfRecordType } from "../flows/index.js";
import { foldedEmail } from "../flows/fields.js";
import { SyncCommandError } from "../model/errors.js";
import type { FieldValue, MappedValues } from "../model/flow-definition.js";
import type { SyncRunRow } from "../runs/types.js";
import { FINISHED_STATUSES } from "../runs/run-store.js";
import { enqueueRun, type SyncCommandDeps } from "./run-commands.js";
import { SYSTEM_NAMES, checkValues, normaliseValue, refusal } from "./unified-values.js";
import { DEFAULT_WRITE_WAIT_MS, waitOrLeave, type RecordWrite } from "./write-commands.js";

export interface CreateUnifiedInput {
  kind: "customer";
  /** Where the record is made; the sync then makes (or links) its partner in the other system. */
  system: SystemName;
  /** email, firstName, lastName, company, address: a company customer with company, else a person. */
  values: Readonly<Record<string, FieldValue>>;
  requestedBy: string;
  waitMs?: number;
}

export interface CreateUnifiedResult {
  /** The unified customer, once the sync has linked the new record (null until then). */
  unifiedId: string | null;
  run: SyncRunRow;
  /** The new record (written) and each record the sync linked it to: written when it made it, unchanged when it was there. */
  writes: RecordWrite[];
  /** Both systems hold the customer and they are linked. */
  complete: boolean;
  /** Why it is not complete, and what happens next (or what to do). */
  problem: string | null;
}

const ENTITY: Record<SystemName, string> = { poweroffice: "Customer", chargebee: "customer" };

/**
 * Makes a customer in the system the caller names, through the sync: the values are checked against both APIs'
 * rules first, and a customer that is already there (a person's email, a company's name) is refused with its
 * unified id; then a run makes the record exactly once (our own Chargebee id, or PowerOffice's
 * ExternalImportReference, through the outbox) and syncs it like any record born there, so the other system gets
 * its partner or the record is linked to a match. Waits for that run and answers with the unified customer.
 */
export async function createUnified(deps: SyncCommandDeps, input: CreateUnifiedInput): Promise<CreateUnifiedResult> {
  const requestedBy = input.requestedBy.trim().slice(0, 200) || "unknown";
  const values = checkedValues(input.values);
  await refuseExisting(deps.knex, values);
  const queued = await enqueueRun(deps, {
    flows: flowsOfRecordType(input.system, ENTITY[input.system]),
    mode: "incremental",
    requestedBy,
    create: { system: input.system, kind: input.kind, values },
  });
  const run = await waitOrLeave(deps.knex, queued, input.waitMs ?? DEFAULT_WRITE_WAIT_MS);
  return outcome(deps.knex, input.system, values, run);
}

/** The values a new customer gets, normalised, or BAD_USER_INPUT for the first one a system would refuse. */
function checkedValues(requested: Readonly<Record<string, FieldValue>>): MappedValues {
  const company = normaliseValue({ key: "company", poweroffice: "Name", chargebee: "company", kind: "text" }, requested.company ?? null);
  const flow = flowById(company === null ? "F3" : "F4");
  const values: MappedValues = {};
  for (const field of flow.fields) if (field.key in requested) values[field.key] = normaliseValue(field, requested[field.key]!);
  for (const name of Object.keys(requested)) {
    if (flow.fields.some((field) => field.key === name) || requested[name] === null) continue;
    if (name === "company") continue;
    throw new SyncCommandError(
      "BAD_USER_INPUT",
      `${name}: a company customer has no first or last name in PowerOffice; leave ${name} out (or leave company out for a person customer)`,
      { field: name, system: "POWEROFFICE" },
    );
  }
  for (const field of flow.fields) {
    if (field.required && (values[field.key] ?? null) === null) throw refusal(field.key, "both", "a new customer needs it");
  }
  if ((values.email ?? null) === null) throw refusal("email", "poweroffice", "a customer needs an email for PowerOffice to send its invoices");
  checkValues(flow.fields, values, requested);
  return values;
}

/** Refuses a second customer for the same person (email) or company (name), naming the one that is there. */
async function refuseExisting(knex: Knex, values: MappedValues): Promise<void> {
  const company = typeof values.company === "string" ? values.company.toLowerCase() : null;
  const email = foldedEmail(values.email);
  const query = knex("dataset_records")
    .where({ deleted: false })
    .select("system", "entity", "source_id")
    .orderBy(["system", "entity", "source_id"])
    .first();
  const found = (await (company
    ? query.where((where) =>
        where
          .where({ system: "poweroffice", entity: "Customer" })
          .whereRaw("lower(btrim(data->>'Name')) = ?", [company])
          .whereRaw("(data->>'IsPerson')::boolean is not true")
          .orWhere((chargebee) =>
            chargebee.where({ system: "chargebee", entity: "customer" }).whereRaw("lower(btrim(data->>'company')) = ?", [company]),
          ),
      )
    : query.where({ email }).where((where) =>
        where
          .whereIn(
            ["system", "entity"],
            [
              ["poweroffice", "ContactPerson"],
              ["poweroffice", "Employee"],
            ],
          )
          .orWhere((customer) => customer.where({ system: "poweroffice", entity: "Customer" }).whereRaw("(data->>'IsPerson')::boolean is true"))
          .orWhere((chargebee) =>
            chargebee.where({ system: "chargebee", entity: "customer" }).whereRaw("coalesce(btrim(data->>'company'), '') = ''"),
          ),
      ))) as { system: SystemName; entity: string; source_id: string } | undefined;
  if (!found) return;
  const link = (await knex("links")
    .where({ system: found.system, entity: found.entity, source_id: found.source_id })
    .whereNot("status", "deleted")
    .first("unified_id")) as { unified_id: string } | undefined;
  const field = company ? "company" : "email";
  const what = company ? `a company named "${String(values.company)}"` : `a person with the email ${String(values.email)}`;
  throw new SyncCommandError(
    "BAD_USER_INPUT",
    `${field}: there is already ${what}: ${SYSTEM_NAMES[found.system]} ${found.entity} ${found.source_id}` +
      (link
        ? ` (unified customer ${link.unified_id}); change it with updateCustomer instead`
        : "; the next sync links it, then change it with updateCustomer"),
    {
      field,
      system: found.system.toUpperCase(),
      existing: { system: found.system.toUpperCase(), type: found.entity, sourceId: found.source_id, unifiedId: link?.unified_id ?? null },
    },
  );
}

/** What the run made and linked; a refusal by the vendor is BAD_USER_INPUT naming the field and the system. */
async function outcome(knex: Knex, system: SystemName, values: MappedValues, run: SyncRunRow): Promise<CreateUnifiedResult> {
  const fields = Object.keys(values);
  const refused = run.detail.createRefused;
  if (refused) {
    throw new SyncCommandError(
      "BAD_USER_INPUT",
      refused.by === "settings"
        ? `The customer was not made: ${refused.message}`
        : `${refused.field ?? "input"}: ${SYSTEM_NAMES[refused.system]} refused the new customer: ${refused.message}; nothing was made`,
      { field: refused.field, system: refused.system.toUpperCase(), runId: run.id },
    );
  }
  const record = run.detail.create ? run.detail.record : undefined;
  if (!record) {
    if (run.status === "failed") {
      throw new Error(
        `Sync run ${run.id} failed before it made the customer: ${run.error ?? "no reason given"}; nothing was made in ${SYSTEM_NAMES[system]}. Try again.`,
      );
    }
    return {
      unifiedId: null,
      run,
      writes: [],
      complete: false,
      problem: `The sync run ${run.id} has not made the customer yet; it goes on without you: follow it with syncRun(id) and find the customer in customers`,
    };
  }
  const made: RecordWrite = { flow: "", system: record.system, entity: record.entity, sourceId: record.sourceId, fields, status: "written" };
  const link = (await knex("links")
    .where({ system: record.system, entity: record.entity, source_id: record.sourceId })
    .whereNot("status", "deleted")
    .orderBy("id")
    .first("unified_id", "flow")) as { unified_id: string; flow: string } | undefined;
  if (!link) {
    made.flow = system === "chargebee" ? "F10" : values.company ? "F4" : "F3";
    return { unifiedId: null, run, writes: [made], complete: false, problem: await notLinkedWhy(knex, run, record, made.flow) };
  }
  made.flow = link.flow;
  const partners = (await knex("links")
    .where({ unified_id: link.unified_id })
    .whereNot("status", "deleted")
    .whereNot({ system: record.system })
    .orderBy(["flow", "id"])
    .select("system", "entity", "source_id", "flow")) as Array<{ system: SystemName; entity: string; source_id: string; flow: string }>;
  const createdRows = (await knex("field_changes").where({ run_id: run.id, why: "created" }).select("system", "source_id")) as Array<{
    system: SystemName;
    source_id: string;
  }>;
  const writes = [made];
  for (const partner of partners) {
    if (writes.some((write) => write.system === partner.system && write.entity === partner.entity && write.sourceId === partner.source_id)) continue;
    const created = createdRows.some((row) => row.system === partner.system && row.source_id === partner.source_id);
    writes.push({
      flow: partner.flow,
      system: partner.system,
      entity: partner.entity,
      sourceId: partner.source_id,
      fields,
      status: created ? "written" : "unchanged",
    });
  }
  const finished = FINISHED_STATUSES.includes(run.status);
  const complete = partners.length > 0;
  return {
    unifiedId: link.unified_id,
    run,
    writes,
    complete,
    problem: complete
      ? null
      : finished
        ? await notLinkedWhy(knex, run, record, link.flow)
        : `The sync run ${run.id} is still making its partner in the other system`,
  };
}

/** Why the new record has no partner after its run: the quarantine's reason, or the flow's rule. */
async function notLinkedWhy(
  knex: Knex,
  run: SyncRunRow,
  record: { system: SystemName; entity: string; sourceId: string },
  flowId: string,
): Promise<string> {
  const label = `${SYSTEM_NAMES[record.system]} ${record.entity} ${record.sourceId}`;
  if (!FINISHED_STATUSES.includes(run.status)) return `${label} is made; the sync run ${run.id} is still syncing it to the other system`;
  const quarantined = (await knex("quarantine")
    .where({ system: record.system, entity: record.entity, source_id: record.sourceId, status: "open" })
    .first("flow", "reason")) as { flow: string; reason: string } | undefined;
  if (quarantined) return `${label} is made, but ${quarantined.flow} quarantined it: ${quarantined.reason}. Fix it, then retryQuarantined`;
  return `${label} is made; ${flowId} has not made its partner: ${anyFlowById(flowId).description}`;
}
