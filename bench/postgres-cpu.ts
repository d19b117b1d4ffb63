import { readdirSync, readFileSync } from "node:fs";

/** Linux reports process CPU time in clock ticks; USER_HZ is 100 on every common kernel build. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, milliseconds) used so far by every process on this machine named `postgres` (the server
 * and its backends), from /proc; null where there is no /proc or no such process. The time of exited children is
 * counted too (the postmaster's cutime/cstime), so a backend that closes between two readings does not take its time
 * away from the difference.
 */
export function localPostgresCpuMs(): number | null {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  let ticks = 0;
  let found = false;
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue;
    }
    const open = stat.indexOf("(");
    const close = stat.lastIndexOf(")");
    if (stat.slice(open + 1, close) !== "postgres") continue;
    // Fields after the command, from field 3 (state): utime 14, stime 15, cutime 16, cstime 17 (proc(5)).
    const fields = stat.slice(close + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    found = true;
  }
  return found ? (ticks * 1000) / TICKS_PER_SECOND : null;
}

/** True when the database URL names this machine, so its server's CPU can be read here. */
export function isLocalDatabase(databaseUrl: string | undefined): boolean {
  if (!databaseUrl) return false;
  const host = new URL(databaseUrl).hostname;
  return host === "" || host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host === "::1";
}
