import { readdirSync, readFileSync } from "node:fs";

/** Linux reports process CPU time in clock ticks; USER_HZ is 100 on every common kernel build. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, milliseconds) used so far by every process on this machine named `postgres` (the server
 * and its backends), from /proc; null where there is no /proc or no such process (a remote server). Backends that
 * exit between two readings take their time with them, so a difference undercounts; the benchmark keeps its
 * connections open, so its own backends stay.
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
    // Fields after the command: state is field 3, utime field 14, stime field 15 (proc(5)).
    const fields = stat.slice(close + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
    found = true;
  }
  return found ? (ticks * 1000) / TICKS_PER_SECOND : null;
}
