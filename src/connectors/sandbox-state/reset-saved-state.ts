import fs from "node:fs";
import path from "node:path";
import { lockOwner } from "./state-lock.js";

const STATE_FILE = /\.(snapshot\.jsonl|snapshot\.jsonl\.tmp|journal\.jsonl)$/;
const LOCK_FILE = /\.lock$/;

function filesMatching(directory: string, pattern: RegExp): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return names.filter((name) => pattern.test(name)).map((name) => path.join(directory, name));
}

/** The saved-state files (snapshots and journals) in a directory. */
export function savedStateFiles(directory: string): string[] {
  return filesMatching(directory, STATE_FILE);
}

/**
 * Throws when a running sandbox holds saved state in the directory: deleting its files under it would not reset
 * it (it keeps its records in memory and its journal open). Call before resetting anything.
 */
export function assertNoSandboxRunning(directory: string): void {
  for (const file of filesMatching(directory, LOCK_FILE)) {
    const owner = lockOwner(file);
    if (owner !== undefined) {
      throw new Error(
        `A sandbox (process ${owner}) is running on the saved state in ${directory}. Stop it (and npm start) first; nothing was reset.`,
      );
    }
  }
}

/** Deletes every sandbox's saved state in the directory; returns the files deleted. A stale lock file is left: it is taken over. */
export function deleteSavedState(directory: string): string[] {
  assertNoSandboxRunning(directory);
  const files = savedStateFiles(directory);
  for (const file of files) fs.rmSync(file, { force: true });
  return files;
}
