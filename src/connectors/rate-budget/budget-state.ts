/**
 * The shared state of one vendor account's request budget, and the one pure function that changes it. Every process
 * applies `decide` to the same state (kept in PostgreSQL, or in memory for a single process), so the rules below hold
 * across all of them. Times are milliseconds on the store's clock (the database's `clock_timestamp()`), never a
 * process's own.
 *
 * - Rate: at most `requestsPerWindow` starts in any window of `windowMs`, counted in buckets of `bucketMs` (a
 *   start is counted for its whole bucket, so the count can only be too high, never too low), and at least
 *   `minIntervalMs` between two starts. Starts are booked in time order, at most `horizonMs` ahead.
 * - Concurrency: at most `maxConcurrency` slots held across all holders (a slot is held from its booking until the
 *   request is released). A holder's slots lapse at `until` unless it renews them: a process that died holding
 *   slots gives them back by itself.
 * - Fairness: a holder that cannot get all it asks for takes a place in line (`wait`). Whoever holds fewer slots goes
 *   first, then whoever has waited longer; capacity the ones ahead are waiting for is kept for them. A place in line
 *   lapses when its holder stops asking.
 * - Pause: after a 429, nobody starts before `pausedUntil` — except the holder that reported it when it said it waits
 *   the pause out by itself (`pausedBy`).
 */

export interface BudgetLimits {
  /** Starts allowed in any window of windowMs; 0 = no rate limit. */
  requestsPerWindow: number;
  /** The vendor's window plus a margin for the network's jitter. */
  windowMs: number;
  /** Least time between two starts; 0 = none. */
  minIntervalMs: number;
  /** Requests in flight at once across every holder; 0 = no limit. */
  maxConcurrency: number;
  /**
   * A booked start whose timer fires later than this (a stalled event loop) is not sent but booked again: sent that
   * late, it would come closer to the next start than the window allows. Default: sent however late.
   */
  maxLateStartMs?: number;
}

export interface BudgetTimings {
  /** How far ahead a start may be booked. */
  horizonMs: number;
  /** How long a holder's slots last without being renewed. */
  leaseMs: number;
  /** How long a place in line lasts beyond the time its holder was told to ask again. */
  waitLeaseMs: number;
}

export const DEFAULT_TIMINGS: BudgetTimings = { horizonMs: 1_000, leaseMs: 15_000, waitLeaseMs: 2_000 };

export interface WaitEntry {
  /** In line since (keeps its place across asks). */
  since: number;
  /** Starts it is still waiting for. */
  wants: number;
  until: number;
}

export interface HolderEntry {
  slots: number;
  until: number;
  wait?: WaitEntry;
}

export interface BudgetState {
  version: 1;
  bucketMs: number;
  /** Starts per bucket, `[bucket, starts]` by ascending bucket (bucket = floor(ms / bucketMs)); booked ones included. */
  log: Array<[number, number]>;
  /** The latest booked start (−1: none yet). */
  lastStartAt: number;
  /** 0: not paused. */
  pausedUntil: number;
  /** The holder that reported the pause and waits it out by itself; absent: the pause holds for everyone. */
  pausedBy?: string;
  holders: Record<string, HolderEntry>;
}

/** What one holder asks for in one exchange. */
export interface BudgetAsk {
  holder: string;
  /** Slots it gives back (requests that finished). */
  release: number;
  /** Starts it would make now. */
  starts: number;
  /** A 429: nobody starts for this long. */
  pause?: { ms: number; reporterWaits: boolean };
  /** It leaves: whatever it holds is given back. */
  leave?: boolean;
}

export type BlockReason = "paused" | "rate" | "concurrency" | "queue";

export interface BudgetDecision {
  state: BudgetState;
  /** Start times booked for the holder, ascending (store clock). */
  starts: number[];
  /** Set when fewer starts were booked than asked: why, and when asking again can help (absent: when a slot frees). */
  blocked?: { reason: BlockReason; retryAt?: number };
  /** When the pause in force for this holder ends (0: none). */
  pausedUntil: number;
  /** Whether another holder is in line. */
  othersWaiting: boolean;
}

export function emptyBudgetState(limits: BudgetLimits): BudgetState {
  return { version: 1, bucketMs: Math.max(1, Math.ceil(limits.windowMs / 100)), log: [], lastStartAt: -1, pausedUntil: 0, holders: {} };
}

/** A stored state this code understands, or undefined (a state of another shape starts afresh). */
export function readBudgetState(value: unknown): BudgetState | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const state = value as Partial<BudgetState>;
  if (state.version !== 1 || typeof state.bucketMs !== "number" || !Array.isArray(state.log) || typeof state.holders !== "object") return undefined;
  return state as BudgetState;
}

function copyState(state: BudgetState): BudgetState {
  const holders: Record<string, HolderEntry> = {};
  for (const [id, entry] of Object.entries(state.holders)) holders[id] = { ...entry, ...(entry.wait ? { wait: { ...entry.wait } } : {}) };
  return { ...state, log: state.log.map(([bucket, starts]) => [bucket, starts]), holders };
}

/** Drops what has lapsed by `now`: holders and places in line not renewed, buckets no window can count any more. */
function prune(state: BudgetState, limits: BudgetLimits, now: number): void {
  for (const [id, entry] of Object.entries(state.holders)) {
    if (entry.wait && entry.wait.until <= now) delete entry.wait;
    if (entry.until <= now) entry.slots = 0;
    if (entry.slots <= 0 && !entry.wait) delete state.holders[id];
  }
  if (limits.requestsPerWindow > 0) {
    const oldest = Math.floor((now - limits.windowMs) / state.bucketMs);
    state.log = state.log.filter(([bucket]) => bucket >= oldest);
  } else {
    state.log = [];
  }
  if (state.pausedUntil <= now) {
    state.pausedUntil = 0;
    delete state.pausedBy;
  }
}

/** The next `count` start times the rate rules allow after what is booked (without booking them), ascending. */
export function upcomingStarts(state: BudgetState, limits: BudgetLimits, now: number, count: number): number[] {
  const { requestsPerWindow: limit, windowMs, minIntervalMs } = limits;
  const log = state.log.map(([bucket, starts]) => [bucket, starts] as [number, number]);
  let last = state.lastStartAt;
  const times: number[] = [];
  for (let n = 0; n < count; n += 1) {
    let at = Math.max(now, last >= 0 ? last + minIntervalMs : now);
    if (limit > 0) at = firstRoomAt(log, at, limit, windowMs, state.bucketMs);
    const bucket = Math.floor(at / state.bucketMs);
    const tail = log[log.length - 1];
    if (tail && tail[0] === bucket) tail[1] += 1;
    else log.push([bucket, 1]);
    last = at;
    times.push(at);
  }
  return times;
}

/** The first time ≥ `from` at which the window ending then counts fewer than `limit` starts. */
function firstRoomAt(log: Array<[number, number]>, from: number, limit: number, windowMs: number, bucketMs: number): number {
  const lowest = Math.floor((from - windowMs) / bucketMs);
  let counted = 0;
  for (const [bucket, starts] of log) if (bucket >= lowest) counted += starts;
  if (counted < limit) return from;
  // Room comes when enough of the oldest counted buckets have left the window.
  let leaving = 0;
  for (const [bucket, starts] of log) {
    if (bucket < lowest) continue;
    leaving += starts;
    if (counted - leaving < limit) return Math.max(from, (bucket + 1) * bucketMs + windowMs);
  }
  return from; // unreachable: leaving reaches counted
}

/** True when `a` is served before `b`: fewer slots held first, then longer in line, then by id. */
function servedBefore(a: { id: string; slots: number; since: number }, b: { id: string; slots: number; since: number }): boolean {
  if (a.slots !== b.slots) return a.slots < b.slots;
  if (a.since !== b.since) return a.since < b.since;
  return a.id < b.id;
}

export function decide(
  previous: BudgetState | undefined,
  limits: BudgetLimits,
  ask: BudgetAsk,
  now: number,
  timings: BudgetTimings = DEFAULT_TIMINGS,
): BudgetDecision {
  const state = previous ? copyState(previous) : emptyBudgetState(limits);
  prune(state, limits, now);
  if (ask.pause && ask.pause.ms > 0) {
    const until = now + ask.pause.ms;
    if (until > state.pausedUntil) {
      state.pausedUntil = until;
      if (ask.pause.reporterWaits) state.pausedBy = ask.holder;
      else delete state.pausedBy;
    }
  }
  const pausedUntil = state.pausedUntil > now && state.pausedBy !== ask.holder ? state.pausedUntil : 0;
  const me: HolderEntry = state.holders[ask.holder] ?? { slots: 0, until: 0 };
  me.slots = Math.max(0, me.slots - Math.max(0, ask.release));
  const othersWaiting = Object.entries(state.holders).some(([id, entry]) => id !== ask.holder && entry.wait !== undefined);
  if (ask.leave) {
    delete state.holders[ask.holder];
    return { state, starts: [], pausedUntil, othersWaiting };
  }

  const wanted = Math.max(0, Math.floor(ask.starts));
  let starts: number[] = [];
  let blocked: BudgetDecision["blocked"];
  if (wanted > 0 && pausedUntil > 0) {
    blocked = { reason: "paused", retryAt: pausedUntil };
  } else if (wanted > 0) {
    const self = { id: ask.holder, slots: me.slots, since: me.wait?.since ?? now };
    let ahead = 0;
    for (const [id, entry] of Object.entries(state.holders)) {
      if (id === ask.holder || !entry.wait) continue;
      if (servedBefore({ id, slots: entry.slots, since: entry.wait.since }, self)) ahead += entry.wait.wants;
    }
    let heldByAll = me.slots;
    for (const [id, entry] of Object.entries(state.holders)) if (id !== ask.holder) heldByAll += entry.slots;
    const freeSlots = limits.maxConcurrency > 0 ? Math.max(0, limits.maxConcurrency - heldByAll) : Infinity;
    const slotRoom = Math.max(0, freeSlots - ahead);
    const candidates = upcomingStarts(state, limits, now, ahead + Math.min(wanted, slotRoom) + 1);
    const inHorizon = candidates.filter((at) => at <= now + timings.horizonMs).length;
    const granted = Math.max(0, Math.min(wanted, slotRoom, inHorizon - ahead));
    starts = candidates.slice(0, granted);
    for (const at of starts) book(state, limits, at);
    if (limits.maxConcurrency > 0) me.slots += granted;
    if (granted < wanted) {
      // When the rate binds, asking before its next start comes within the horizon cannot help, whatever the slots.
      if (inHorizon - ahead <= granted) blocked = { reason: "rate", retryAt: candidates[ahead + granted]! - timings.horizonMs };
      else if (freeSlots <= granted) blocked = { reason: "concurrency" };
      else blocked = { reason: "queue" };
    }
  }

  if (blocked) {
    const askAgainAt = blocked.retryAt ?? now;
    me.wait = { since: me.wait?.since ?? now, wants: wanted - starts.length, until: Math.max(now, askAgainAt) + timings.waitLeaseMs };
  } else {
    delete me.wait;
  }
  if (me.slots > 0) me.until = now + timings.leaseMs;
  if (me.slots > 0 || me.wait) state.holders[ask.holder] = me;
  else delete state.holders[ask.holder];
  return { state, starts, ...(blocked ? { blocked } : {}), pausedUntil, othersWaiting };
}

function book(state: BudgetState, limits: BudgetLimits, at: number): void {
  state.lastStartAt = at;
  if (limits.requestsPerWindow <= 0) return;
  const bucket = Math.floor(at / state.bucketMs);
  const tail = state.log[state.log.length - 1];
  if (tail && tail[0] === bucket) tail[1] += 1;
  else state.log.push([bucket, 1]);
}
