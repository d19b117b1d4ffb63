import path from "node:path";

/** The sandboxes' saved state lives beside the embedded database, under DATA_DIR. */
export function sandboxStateDirectory(dataDir: string): string {
  return path.join(dataDir, "sandboxes");
}

export interface StateFilePaths {
  snapshot: string;
  /** Where a new snapshot is written before it replaces the old one. */
  snapshotTemp: string;
  journal: string;
  lock: string;
}

/** The files of one sandbox's saved state, e.g. poweroffice.snapshot.jsonl and poweroffice.journal.jsonl. */
export function stateFilePaths(directory: string, name: string): StateFilePaths {
  const base = path.join(directory, name);
  return {
    snapshot: `${base}.snapshot.jsonl`,
    snapshotTemp: `${base}.snapshot.jsonl.tmp`,
    journal: `${base}.journal.jsonl`,
    lock: `${base}.lock`,
  };
}
