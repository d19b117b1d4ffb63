import DataLoader from "dataloader";
import type { Knex } from "knex";
import type { Logger } from "../../src/logging/logger.js";
import type { ConflictPolicyRule } from "../../src/config/conflict-policy.js";
import { RequestSql } from "./sql-counter.js";
import { DatasetLoaders } from "./dataset-loaders.js";
import type { SyncCommandDeps, SyncCommands } from "../link/sync-commands.js";

/** What every subgraph needs from the application. */
export interface SubgraphDeps {
  knex: Knex;
  logger: Logger;
  /** null: the job queue is not running here, so the link subgraph's sync mutations answer UNAVAILABLE. */
  commands: SyncCommandDeps | null;
  /** Replaces some sync commands (tests); by default the link subgraph calls src/sync/commands. */
  syncCommands?: Partial<SyncCommands>;
  /** SYNC_CONFLICT_POLICY, shown by syncFlows; absent: "newest" for every field. */
  conflictPolicy?: readonly ConflictPolicyRule[];
  /** Called once per request with the number of SQL statements it ran (metrics, tests). */
  observeSql?: (event: SqlObservation) => void;
}

export interface SqlObservation {
  subgraph: string;
  operationName: string | null;
  statements: number;
}

/** Who is asking, as the gateway forwarded it (x-caller-name, x-caller-role); trusted only behind the shared secret. */
export interface Caller {
  name: string;
  role: string | null;
  trusted: boolean;
}

export const ANONYMOUS_CALLER: Caller = { name: "anonymous", role: null, trusted: false };

export interface SubgraphContext {
  deps: SubgraphDeps;
  logger: Logger;
  caller: Caller;
  sql: RequestSql;
  /**
   * What the request's operation asks for, set before execution. An object of its own because Apollo Server runs an
   * operation with a shallow copy of the context: the dataset loaders, made with the context, share this one.
   */
  operation: OperationFields;
  datasets: DatasetLoaders;
  /** A DataLoader for this request, made on first use and shared by every resolver of the request. */
  loader<K, V>(name: string, batch: (keys: readonly K[]) => Promise<ReadonlyArray<V | Error>>): DataLoader<K, V>;
}

export interface OperationFields {
  /**
   * Every field name the operation's document selects; null when not known (then every column is read). Loaders leave
   * out columns that only fields missing from it would read (timestamps the gateway's queries do not ask for).
   */
  fieldsAsked: ReadonlySet<string> | null;
}

export function createRequestContext(deps: SubgraphDeps, caller: Caller = ANONYMOUS_CALLER): SubgraphContext {
  const sql = new RequestSql(deps.knex);
  const loaders = new Map<string, DataLoader<unknown, unknown>>();
  const operation: OperationFields = { fieldsAsked: null };
  const context: SubgraphContext = {
    deps,
    logger: deps.logger,
    caller,
    sql,
    operation,
    datasets: new DatasetLoaders(sql, operation),
    loader<K, V>(name: string, batch: (keys: readonly K[]) => Promise<ReadonlyArray<V | Error>>) {
      let loader = loaders.get(name) as DataLoader<K, V> | undefined;
      if (!loader) {
        loader = new DataLoader<K, V>(batch, { maxBatchSize: 5000 });
        loaders.set(name, loader as DataLoader<unknown, unknown>);
      }
      return loader;
    },
  };
  return context;
}
