import { parseArgs } from "node:util";
import { FLOW_IDS, type FlowId, type SyncMode } from "../sync/index.js";

export const SYNC_USAGE = `Usage: npm run sync -- [options]

Runs a sync between PowerOffice Go and Chargebee and shows its progress, then a summary per flow.

Options:
  --flow F1 [--flow F2 …]   Only these flows (also --flow F1,F2). Default: all of ${FLOW_IDS[0]}–${FLOW_IDS[FLOW_IDS.length - 1]}.
  --mode MODE               incremental (default: changes since the last sync), full (every record, no time
                            filter), reconcile (full, and finds deletes by absence) or dry-run.
  --dry-run                 Decide everything, write nothing to either API; prints what it would create,
                            update and delete. Same as --mode dry-run.
  --wait                    When a worker process runs the sync, follow it until it ends (else: print the run id).
  --in-process              Run here even when a worker process is running.
  --run ID                  Show (with --wait: follow) an existing run instead of starting one.
  --limit N                 Dry run: planned writes printed per action (default 50; 0 = all).
  -h, --help                This text.

Where it runs: with the embedded database (no DATABASE_URL) always in this process. With DATABASE_URL, the run is
queued for the worker processes (npm run worker) when one is running, else it runs in this process.`;

export interface SyncCliOptions {
  flows: FlowId[] | undefined;
  mode: SyncMode;
  wait: boolean;
  inProcess: boolean;
  runId: string | undefined;
  limit: number;
  help: boolean;
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}

const MODES: readonly SyncMode[] = ["incremental", "full", "reconcile", "dry-run"];

/** Reads the command line; throws UsageError with a message that says what is wrong. */
export function parseSyncArgs(argv: readonly string[]): SyncCliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        flow: { type: "string", multiple: true },
        flows: { type: "string", multiple: true },
        mode: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        wait: { type: "boolean", default: false },
        "in-process": { type: "boolean", default: false },
        run: { type: "string" },
        limit: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  const { values } = parsed;
  const requested = [...(values.flow ?? []), ...(values.flows ?? [])]
    .flatMap((value) => value.split(","))
    .map((f) => f.trim().toUpperCase())
    .filter(Boolean);
  const unknown = requested.filter((flow) => !(FLOW_IDS as readonly string[]).includes(flow));
  if (unknown.length > 0) throw new UsageError(`Unknown flow(s): ${unknown.join(", ")}. Known flows: ${FLOW_IDS.join(", ")}.`);
  if ((values.flow || values.flows) && requested.length === 0) throw new UsageError("--flow needs a flow id, such as --flow F1");

  let mode: SyncMode = "incremental";
  if (values.mode !== undefined) {
    if (!(MODES as readonly string[]).includes(values.mode)) {
      throw new UsageError(`Unknown --mode "${values.mode}". Use one of: ${MODES.join(", ")}.`);
    }
    mode = values.mode as SyncMode;
  }
  if (values["dry-run"]) {
    if (values.mode !== undefined && mode !== "dry-run") {
      throw new UsageError(`--dry-run cannot be combined with --mode ${mode}: a dry run is a mode of its own.`);
    }
    mode = "dry-run";
  }
  let limit = 50;
  if (values.limit !== undefined) {
    if (!/^\d+$/.test(values.limit)) throw new UsageError(`--limit must be a whole number (0 = all), got "${values.limit}"`);
    limit = Number(values.limit);
  }
  if (values.run !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(values.run)) {
    throw new UsageError(`--run needs a run id (a UUID such as 3f2b…), got "${values.run}"`);
  }
  if (values.run !== undefined && (requested.length > 0 || values.mode !== undefined || values["dry-run"])) {
    throw new UsageError("--run shows an existing run; it cannot be combined with --flow, --mode or --dry-run");
  }
  return {
    flows: requested.length > 0 ? FLOW_IDS.filter((flow) => requested.includes(flow)) : undefined,
    mode,
    wait: values.wait ?? false,
    inProcess: values["in-process"] ?? false,
    runId: values.run,
    limit,
    help: values.help ?? false,
  };
}
