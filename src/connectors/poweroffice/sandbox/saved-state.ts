/**
 * The PowerOffice Go sandbox's state on disk (see ../../sandbox-state): a snapshot line per record, in each
 * resource's creation order (a sales order with its lines), and per request a journal entry with the after-image of
 * every record it changed plus the counters (ids, numbers, the UUID generator, the microsecond clock), so a restart
 * serves the same records and goes on numbering where it stopped. Tokens are not kept: clients fetch a new one.
 */
import type { Logger } from "../../../logging/logger.js";
import { SavedState, type LoadResult } from "../../sandbox-state/index.js";
import { POWEROFFICE_RESOURCES } from "../types.js";
import type { Dto } from "./collection.js";
import { PowerOfficeSandboxStore, type PowerOfficeStoreCounters, type SandboxResourceName, type SandboxSize } from "./store.js";

export const POWEROFFICE_STATE_NAME = "poweroffice";

/** What the sandbox serves, and the settings it was seeded with. */
export interface PowerOfficeSandboxState {
  store: PowerOfficeSandboxStore;
  seed: number;
  size: SandboxSize;
  specialSalesOrderId: string;
}

interface SavedMeta {
  seed: number;
  size: SandboxSize;
  specialSalesOrderId: string;
  counters: PowerOfficeStoreCounters;
}

/** A record as it is now: [resource, id, dto, LastChanged in µs, the lines of a sales order]. */
type SavedRecord = [resource: SandboxResourceName, id: number | string, dto: Dto, changed: number, lines?: Dto[]];
/** A deleted record: [resource, id]. */
type SavedDelete = [resource: SandboxResourceName, id: number | string];

interface SavedChange {
  counters: PowerOfficeStoreCounters;
  records: Array<SavedRecord | SavedDelete>;
}

export class PowerOfficeStateFiles {
  readonly saved: SavedState;
  private savedCounters = "";

  constructor(
    directory: string,
    logger: Logger,
    private readonly current: () => PowerOfficeSandboxState,
  ) {
    this.saved = SavedState.open({
      directory,
      name: POWEROFFICE_STATE_NAME,
      title: "PowerOffice Go sandbox",
      logger,
      snapshot: () => {
        const { store, seed, size, specialSalesOrderId } = this.current();
        const meta: SavedMeta = { seed, size, specialSalesOrderId, counters: store.counters() };
        return { meta, items: records(store) };
      },
      takeChanges: () => this.takeChanges(),
    });
  }

  /** The saved state in a new store, or undefined when nothing is saved yet. */
  load(): { state: PowerOfficeSandboxState; result: LoadResult } | undefined {
    let state: PowerOfficeSandboxState | undefined;
    const result = this.saved.load({
      meta: (meta) => {
        const saved = meta as SavedMeta;
        if (typeof saved?.seed !== "number" || typeof saved.specialSalesOrderId !== "string" || typeof saved.counters !== "object") {
          throw new Error("the header lacks the seed, the special sales order or the counters");
        }
        const store = new PowerOfficeSandboxStore(saved.seed);
        store.restoreCounters(saved.counters);
        state = { store, seed: saved.seed, size: saved.size, specialSalesOrderId: saved.specialSalesOrderId };
      },
      item: (item) => restoreRecord(state!.store, item),
      change: (change) => applyChange(state!.store, change as SavedChange),
    });
    return result.restored && state ? { state, result } : undefined;
  }

  /** Journals this store's changes from now on (after a load, a seed or a reseed). */
  track(store: PowerOfficeSandboxStore): void {
    store.changes.enable();
    store.changes.onFirstChange = () => this.saved.scheduleFlush();
    this.savedCounters = JSON.stringify(store.counters());
  }

  private takeChanges(): SavedChange | undefined {
    const { store } = this.current();
    const changed = store.changes.take();
    const counters = store.counters();
    const countersJson = JSON.stringify(counters);
    // A refused write may still have drawn a number or a UUID: saved too, so a restart hands out the same next ones.
    if (changed.length === 0 && countersJson === this.savedCounters) return undefined;
    this.savedCounters = countersJson;
    return {
      counters,
      records: changed.map(({ resource, id }) => {
        const entry = store.entry(resource, id);
        if (!entry) return [resource, id];
        return resource === "SalesOrders"
          ? [resource, id, entry.dto, entry.changed, store.lines.get(id as string) ?? []]
          : [resource, id, entry.dto, entry.changed];
      }),
    };
  }
}

function* records(store: PowerOfficeSandboxStore): Generator<SavedRecord> {
  for (const resource of POWEROFFICE_RESOURCES) {
    for (const entry of store.collection(resource).entries()) {
      const id = entry.dto.Id as number | string;
      yield resource === "SalesOrders"
        ? [resource, id, entry.dto, entry.changed, store.lines.get(id as string) ?? []]
        : [resource, id, entry.dto, entry.changed];
    }
  }
}

function isResource(value: unknown): value is SandboxResourceName {
  return typeof value === "string" && (POWEROFFICE_RESOURCES as string[]).includes(value);
}

function restoreRecord(store: PowerOfficeSandboxStore, item: unknown): void {
  if (!Array.isArray(item) || !isResource(item[0]) || (typeof item[1] !== "number" && typeof item[1] !== "string")) {
    throw new Error("not a saved PowerOffice record");
  }
  const [resource, id, dto, changed, lines] = item as [SandboxResourceName, number | string, unknown, unknown, unknown];
  if (dto === undefined) {
    store.collection(resource).forget(id);
    if (resource === "SalesOrders") store.lines.delete(id as string);
    return;
  }
  if (typeof dto !== "object" || dto === null || typeof changed !== "number")
    throw new Error(`${resource} ${String(id)} has no record or no LastChanged`);
  store.collection(resource).restore(id, dto as Dto, changed);
  if (resource === "SalesOrders") store.lines.set(id as string, Array.isArray(lines) ? (lines as Dto[]) : []);
}

function applyChange(store: PowerOfficeSandboxStore, change: SavedChange): void {
  if (typeof change?.counters !== "object" || !Array.isArray(change.records)) throw new Error("not a saved PowerOffice change");
  for (const record of change.records) restoreRecord(store, record);
  store.restoreCounters(change.counters);
}
