import fs from "node:fs";

const heldByThisProcess = new Set<string>();

/** The live process that holds the lock file, if any (a lock left by a dead process counts as free). */
export function lockOwner(lockPath: string): number | undefined {
  if (heldByThisProcess.has(lockPath)) return process.pid;
  let owner: number;
  try {
    owner = Number(fs.readFileSync(lockPath, "utf8").trim());
  } catch {
    return undefined;
  }
  return owner && owner !== process.pid && isAlive(owner) ? owner : undefined;
}

/**
 * Two sandboxes writing one saved state would interleave their journals, so a sandbox takes a lock file first.
 * A lock left by a process that no longer exists (a SIGKILL) is taken over. Returns the release.
 */
export function lockSavedState(lockPath: string, title: string): () => void {
  const owner = lockOwner(lockPath);
  if (owner !== undefined) {
    const by = owner === process.pid ? "another sandbox in this process" : `process ${owner}`;
    throw new Error(`The ${title}'s saved state (${lockPath}) is in use by ${by}. Stop that sandbox, or set DATA_DIR to another folder.`);
  }
  fs.writeFileSync(lockPath, String(process.pid));
  heldByThisProcess.add(lockPath);
  return () => {
    heldByThisProcess.delete(lockPath);
    try {
      if (fs.readFileSync(lockPath, "utf8").trim() === String(process.pid)) fs.unlinkSync(lockPath);
    } catch {
      /* already gone */
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
