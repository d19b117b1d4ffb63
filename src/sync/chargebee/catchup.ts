import type { Knex } from "knex";
import type { SyncMode } from "../model/types.js";
import type { AppConfig } from "../../config/config.js";

/**
 * Which Chargebee types a read takes. With webhooks on (settings.chargebeeWebhooks), Chargebee changes arrive in the
 * datasets by webhook, so an incremental poll reads a type only for the catch-up: when it was never read, or its
 * cursor last moved catchupIntervalSeconds ago or more (0 = every poll). That read, by the updated_at cursor, picks
 * up what lost deliveries missed. Full and reconcile runs, and every run without webhooks, read every type.
 */
export async function chargebeeTypesToRead<T extends string>(
  knex: Knex,
  settings: AppConfig["sync"],
  mode: SyncMode,
  types: readonly T[],
): Promise<{ read: T[]; leftToWebhooks: T[] }> {
  const feed = settings.chargebeeWebhooks;
  const incremental = mode === "incremental" || mode === "dry-run";
  if (!feed || !incremental || feed.catchupIntervalSeconds === 0 || types.length === 0) return { read: [...types], leftToWebhooks: [] };
  // Ages from the database clock, the one that stamped the cursors (worker machines' clocks may differ).
  const rows = (
    await knex.raw(
      `select entity, extract(epoch from (now() - updated_at)) as age from sync_cursors where system = 'chargebee' and entity = any(?::text[])`,
      [[...types]],
    )
  ).rows as Array<{ entity: string; age: string | number }>;
  const age = new Map(rows.map((row) => [row.entity, Number(row.age)]));
  const read: T[] = [];
  const leftToWebhooks: T[] = [];
  for (const type of types) {
    const seconds = age.get(type);
    if (seconds === undefined || seconds >= feed.catchupIntervalSeconds) read.push(type);
    else leftToWebhooks.push(type);
  }
  return { read, leftToWebhooks };
}
