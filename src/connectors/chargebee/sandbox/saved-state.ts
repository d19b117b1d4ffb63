/**
 * The Chargebee sandbox's state on disk (see ../../sandbox-state): a snapshot line per record (events included), in
 * insertion order, and per idempotency key; per request a journal entry with the after-image of every record it
 * created or changed, the keys it stored and the counters (seq, resource_version, id series), so a restart serves
 * the same records and events, replays an answered idempotency key, and goes on numbering where it stopped.
 */
import type { Logger } from "../../../logging/logger.js";
import { SavedState, type LoadResult } from "../../sandbox-state/index.js";
import type { SandboxRecord } from "./collection.js";
import type { IdempotencyKeys, StoredResponse } from "./idempotency-keys.js";
import { isSandboxResource, RESOURCE_SPECS, type SandboxResource } from "./resources.js";
import type { SandboxSize, SeedSummary } from "./seed.js";
import type { ChargebeeSandboxStore, ChargebeeStoreCounters } from "./store.js";

export const CHARGEBEE_STATE_NAME = "chargebee";

/** The settings the data was seeded with. */
export interface ChargebeeSeedSettings {
  seed: number;
  size: SandboxSize;
  seeded: SeedSummary;
}

interface SavedMeta extends ChargebeeSeedSettings {
  counters: ChargebeeStoreCounters;
}

type SavedItem =
  [kind: "record", resource: SandboxResource, seq: number, record: SandboxRecord] | [kind: "idempotency", key: string, response: StoredResponse];

interface SavedChange {
  counters: ChargebeeStoreCounters;
  records: Array<[resource: SandboxResource, seq: number, record: SandboxRecord]>;
  idempotency: Array<[key: string, response: StoredResponse]>;
}

interface Live {
  store: ChargebeeSandboxStore;
  idempotency: IdempotencyKeys;
  settings: () => ChargebeeSeedSettings;
}

export class ChargebeeStateFiles {
  readonly saved: SavedState;
  private savedCounters = "";

  constructor(
    directory: string,
    logger: Logger,
    private readonly live: Live,
  ) {
    this.saved = SavedState.open({
      directory,
      name: CHARGEBEE_STATE_NAME,
      title: "Chargebee sandbox",
      logger,
      snapshot: () => {
        const meta: SavedMeta = { ...live.settings(), counters: live.store.savedCounters() };
        return { meta, items: items(live) };
      },
      takeChanges: () => this.takeChanges(),
    });
  }

  /** Reads the saved state into the (empty) store; undefined when nothing is saved yet. */
  load(): { settings: ChargebeeSeedSettings; result: LoadResult } | undefined {
    const { store, idempotency } = this.live;
    let settings: ChargebeeSeedSettings | undefined;
    const result = this.saved.load({
      meta: (meta) => {
        const saved = meta as SavedMeta;
        if (typeof saved?.seed !== "number" || typeof saved.seeded !== "object" || typeof saved.counters !== "object") {
          throw new Error("the header lacks the seed, the seed summary or the counters");
        }
        store.restoreCounters(saved.counters);
        settings = { seed: saved.seed, size: saved.size, seeded: saved.seeded };
      },
      item: (item) => {
        if (!Array.isArray(item)) throw new Error("not a saved Chargebee record or idempotency key");
        if (item[0] === "idempotency") restoreKey(idempotency, item[1], item[2]);
        else restoreRecord(store, item[1], item[2], item[3]);
      },
      change: (change) => {
        const saved = change as SavedChange;
        if (typeof saved?.counters !== "object" || !Array.isArray(saved.records) || !Array.isArray(saved.idempotency))
          throw new Error("not a saved Chargebee change");
        for (const [resource, seq, record] of saved.records) restoreRecord(store, resource, seq, record);
        for (const [key, response] of saved.idempotency) restoreKey(idempotency, key, response);
        store.restoreCounters(saved.counters);
      },
    });
    return result.restored && settings ? { settings, result } : undefined;
  }

  /** Journals the store's and the keys' changes from now on. */
  track(): void {
    const { store, idempotency } = this.live;
    store.changes.enable();
    store.changes.onFirstChange = () => this.saved.scheduleFlush();
    idempotency.onFirstChange = () => this.saved.scheduleFlush();
    this.savedCounters = JSON.stringify(store.savedCounters());
  }

  private takeChanges(): SavedChange | undefined {
    const { store, idempotency } = this.live;
    const records = store.changes.take().map(({ resource, id }): [SandboxResource, number, SandboxRecord] => {
      const entry = store.entry(resource, String(id));
      if (!entry) throw new Error(`the changed ${resource} ${String(id)} is not in the store`);
      return [resource, entry.seq, entry.record];
    });
    const keys = idempotency.takeChanged();
    const counters = store.savedCounters();
    const countersJson = JSON.stringify(counters);
    if (records.length === 0 && keys.length === 0 && countersJson === this.savedCounters) return undefined;
    this.savedCounters = countersJson;
    return { counters, records, idempotency: keys };
  }
}

function* items(live: Live): Generator<SavedItem> {
  for (const resource of Object.keys(RESOURCE_SPECS) as SandboxResource[]) {
    for (const entry of live.store.entries(resource)) yield ["record", resource, entry.seq, entry.record];
  }
  for (const [key, response] of live.idempotency.entries(Date.now())) yield ["idempotency", key, response];
}

function restoreRecord(store: ChargebeeSandboxStore, resource: unknown, seq: unknown, record: unknown): void {
  if (
    typeof resource !== "string" ||
    !isSandboxResource(resource) ||
    typeof seq !== "number" ||
    typeof record !== "object" ||
    record === null ||
    typeof (record as SandboxRecord).id !== "string"
  ) {
    throw new Error("not a saved Chargebee record");
  }
  store.restoreEntry(resource, seq, record as SandboxRecord);
}

function restoreKey(idempotency: IdempotencyKeys, key: unknown, response: unknown): void {
  if (typeof key !== "string" || typeof response !== "object" || response === null || typeof (response as StoredResponse).expiresAt !== "number") {
    throw new Error("not a saved idempotency key");
  }
  idempotency.restore(key, response as StoredResponse);
}
