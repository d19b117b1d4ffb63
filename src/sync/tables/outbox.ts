import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import type { SystemName } from "../../config/config.js";

/**
 * The outbox: a write whose outcome we cannot make idempotent on the remote side (no id of ours, no idempotency key
 * that outlives a crash) is written here before the call, settled after it, and — when a crash left it pending —
 * reconciled by looking the record up by `lookupKey` before the call is made again.
 */
export interface OutboxIntent {
  system: SystemName;
  entity: string;
  operation: "create" | "update" | "delete";
  flow?: string;
  unifiedId?: string | null;
  /** What finds the record after a crash (e.g. an invoice's po_number, an ExternalImportReference). */
  lookupKey: string;
  payload: Record<string, unknown>;
}

export interface OutboxEntry extends OutboxIntent {
  id: string;
  status: "pending" | "done" | "failed";
  attempts: number;
  resultId: string | null;
}

interface OutboxRow {
  id: string;
  system: SystemName;
  entity: string;
  operation: "create" | "update" | "delete";
  flow: string | null;
  unified_id: string | null;
  lookup_key: string;
  payload: Record<string, unknown>;
  status: "pending" | "done" | "failed";
  attempts: number;
  result_id: string | null;
}

function toEntry(row: OutboxRow): OutboxEntry {
  return {
    id: row.id,
    system: row.system,
    entity: row.entity,
    operation: row.operation,
    flow: row.flow ?? undefined,
    unifiedId: row.unified_id,
    lookupKey: row.lookup_key,
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
    resultId: row.result_id,
  };
}

/**
 * Records the intent (committed at once, before the remote call). If an earlier attempt left the same intent
 * pending, that entry is returned with `recovered: true`: the caller must look the record up before calling again.
 */
export async function recordIntent(knex: Knex, intent: OutboxIntent): Promise<{ entry: OutboxEntry; recovered: boolean }> {
  const recorded = (await recordIntents(knex, [intent])).get(intent.lookupKey);
  return recorded ?? recordIntent(knex, intent); // settled in between: write a fresh intent
}

/**
 * Records many intents in one statement (before any of their calls). Returns each by lookup key; one an earlier
 * attempt left pending comes back `recovered` (its record must be looked up before it is created again).
 */
export async function recordIntents(knex: Knex, intents: readonly OutboxIntent[]): Promise<Map<string, { entry: OutboxEntry; recovered: boolean }>> {
  const prepared = new Map<string, { entry: OutboxEntry; recovered: boolean }>();
  for (let start = 0; start < intents.length; start += 1000) {
    const chunk = intents.slice(start, start + 1000);
    const inserted = (await knex("outbox")
      .insert(
        chunk.map((intent) => ({
          id: randomUUID(),
          system: intent.system,
          entity: intent.entity,
          operation: intent.operation,
          flow: intent.flow ?? null,
          unified_id: intent.unifiedId ?? null,
          lookup_key: intent.lookupKey,
          payload: JSON.stringify(intent.payload),
          attempts: 1,
        })),
      )
      .onConflict(knex.raw("(system, entity, lookup_key) where status = 'pending'"))
      .ignore()
      .returning("*")) as OutboxRow[];
    for (const row of inserted) prepared.set(row.lookup_key, { entry: toEntry(row), recovered: false });
    const missing = chunk.filter((intent) => !prepared.has(intent.lookupKey));
    if (missing.length > 0) {
      const pending = (await knex("outbox")
        .where({ status: "pending", system: missing[0]!.system, entity: missing[0]!.entity })
        .whereIn(
          "lookup_key",
          missing.map((intent) => intent.lookupKey),
        )
        .increment("attempts", 1)
        .returning("*")) as OutboxRow[];
      for (const row of pending) prepared.set(row.lookup_key, { entry: toEntry(row), recovered: true });
    }
  }
  return prepared;
}

/** Removes intents recorded ahead whose call was never made (the record was quarantined or waits). */
export async function dropIntents(knex: Knex, ids: readonly string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += 1000) {
    await knex("outbox")
      .where({ status: "pending" })
      .whereIn("id", ids.slice(start, start + 1000))
      .delete();
  }
}

/** Marks intents done (inside the transaction that records the write's outcome). */
export async function settleIntents(knex: Knex, settled: Array<{ id: string; resultId: string | null }>): Promise<void> {
  for (let start = 0; start < settled.length; start += 1000) {
    const chunk = settled.slice(start, start + 1000);
    await knex.raw(
      `update outbox set status = 'done', result_id = v.result_id, updated_at = now()
         from (select unnest(?::uuid[]) as id, unnest(?::text[]) as result_id) v where outbox.id = v.id`,
      [chunk.map((entry) => entry.id), chunk.map((entry) => entry.resultId)] as unknown as Knex.RawBinding[],
    );
  }
}

/** How long a claim holds without renewal: a killed worker's claim lapses this long after it died. */
export const CLAIM_LEASE_SECONDS = 20;
const CLAIM_RENEW_MS = 5_000;
const CLAIM_RETRY_MS = 1_000;

/** A worker's hold on an intent while it makes the intent's remote call. */
export interface IntentClaim {
  /** Gives the intent up once the call has ended (either way): another attempt may claim it at once. */
  release(): Promise<void>;
}

/**
 * Claims a pending intent for this worker. While another worker holds a live claim (its call may be in flight:
 * calling too could write twice), waits for it to be released or to lapse (a dead worker's claim lapses within
 * CLAIM_LEASE_SECONDS); returns null if it is still held after that (its holder is alive and still calling). The
 * claim is renewed while the call runs, so it outlives any slow call.
 */
export async function claimIntent(knex: Knex, id: string, options: { sleep?: (ms: number) => Promise<void> } = {}): Promise<IntentClaim | null> {
  const claimant = randomUUID();
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const lease = () => knex.raw(`now() + make_interval(secs => ?)`, [CLAIM_LEASE_SECONDS]);
  const giveUpAt = Date.now() + (CLAIM_LEASE_SECONDS + 2) * 1000;
  for (;;) {
    const claimed = await knex("outbox")
      .where({ id, status: "pending" })
      .andWhere((query) => query.whereNull("claimed_until").orWhere("claimed_until", "<", knex.fn.now()))
      .update({ claimed_by: claimant, claimed_until: lease(), updated_at: knex.fn.now() });
    if (claimed > 0) break;
    if (Date.now() >= giveUpAt) return null;
    await sleep(CLAIM_RETRY_MS);
  }
  const renew = setInterval(() => {
    knex("outbox")
      .where({ id, claimed_by: claimant })
      .update({ claimed_until: lease() })
      .catch(() => {}); // a lapsed renewal only shortens the claim
  }, CLAIM_RENEW_MS);
  renew.unref();
  return {
    release: async () => {
      clearInterval(renew);
      await knex("outbox").where({ id, claimed_by: claimant }).update({ claimed_by: null, claimed_until: null });
    },
  };
}

export async function failIntent(knex: Knex, id: string, error: string): Promise<void> {
  await knex("outbox")
    .where({ id, status: "pending" })
    .update({ status: "failed", error: error.slice(0, 2000), updated_at: knex.fn.now() });
}

export async function pendingIntents(knex: Knex, system?: SystemName): Promise<OutboxEntry[]> {
  const builder = knex<OutboxRow>("outbox").where({ status: "pending" }).orderBy("created_at");
  if (system) builder.where({ system });
  return ((await builder) as OutboxRow[]).map(toEntry);
}

/** The pending intent for this record, if an earlier attempt left one. */
export async function pendingIntentOf(knex: Knex, key: { system: SystemName; entity: string; lookupKey: string }): Promise<OutboxEntry | null> {
  const row = (await knex("outbox").where({ status: "pending", system: key.system, entity: key.entity, lookup_key: key.lookupKey }).first()) as
    OutboxRow | undefined;
  return row ? toEntry(row) : null;
}
