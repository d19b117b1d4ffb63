import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { silentLogger, type Logger } from "../../logging/logger.js";
import {
  DEFAULT_TIMINGS,
  decide,
  type BlockReason,
  type BudgetAsk,
  type BudgetDecision,
  type BudgetLimits,
  type BudgetTimings,
} from "./budget-state.js";
import { requestsPerSecondOf, waitReasonOf, type BudgetRate, type BudgetWaitNow } from "./budget-wait.js";
import { realClock, type BudgetClock } from "./clock.js";
import { BudgetPausedError, BudgetWaitError } from "./errors.js";
import { MemoryBudgetStateStore, type BudgetStateStore } from "./state-store.js";

export interface AcquireOptions {
  /** The longest the caller waits for its start; beyond it acquire rejects with BudgetWaitError. Default: no limit. */
  maxWaitMs?: number;
  /** "report": a vendor's pause rejects at once with BudgetPausedError, for a caller that waits in its own way. */
  whilePaused?: "wait" | "report";
}

export interface BudgetGrant {
  /** How long the caller waited for its start, in milliseconds. */
  waitedMs: number;
  /** Gives the slot back when the request is done; later calls do nothing. */
  release(): void;
}

export interface AccountBudgetOptions {
  /** The account's key (budgetAccountKey): every budget with this key in one store shares one budget. */
  key: string;
  limits: BudgetLimits;
  /** Default: a store of this budget's own, in memory. */
  store?: BudgetStateStore;
  clock?: BudgetClock;
  timings?: Partial<BudgetTimings>;
  logger?: Logger;
  /** This budget's name in the shared state. Default: host, process id and a random suffix. */
  holder?: string;
  /** The limit as the vendor states it (150 requests a minute), for currentWait's readers. */
  rate?: BudgetRate;
}

interface Waiter {
  enqueuedAt: number;
  deadline: number;
  maxWaitMs: number;
  whilePaused: "wait" | "report";
  resolve(grant: BudgetGrant): void;
  reject(error: Error): void;
}

/** While slots are taken by others, a waiting budget asks again after this long, doubling up to MAX_POLL_MS. */
const MIN_POLL_MS = 10;
const MAX_POLL_MS = 100;
/** Without a concurrency limit, the most starts asked for in one exchange. */
const MAX_STARTS_PER_ASK = 50;
/** After the store failed, the next try (releases and pauses still to report). */
const STORE_RETRY_MS = 1_000;
/**
 * Without a rate to book, a slot given back is kept this long for this process's next request before it goes back
 * to the store, and is reused without asking, as long as the last exchange (at most FAIRNESS_CHECK_MS ago) showed
 * no other process waiting.
 */
const IDLE_SLOT_LINGER_MS = 20;
const FAIRNESS_CHECK_MS = 250;

/**
 * One process's side of a vendor account's request budget. Callers queue here in order; whatever is queued when
 * the store is free goes in one exchange (the starts wanted, the slots given back, a pause to report), so a busy
 * process pays about one store round trip per batch of requests, and an idle one none. Slots given back while
 * callers wait travel with their next ask. A process holding slots renews them every leaseMs / 3.
 *
 * With a rate, every start is booked in the store. Without one (only a concurrency limit), a process keeps the slots
 * it holds for its own next requests while nobody else waits, checking that every FAIRNESS_CHECK_MS; that way a busy
 * process pays a few round trips a second instead of one per request.
 */
export class AccountBudget {
  readonly key: string;
  readonly limits: BudgetLimits;
  readonly holder: string;
  private readonly store: BudgetStateStore;
  private readonly clock: BudgetClock;
  private readonly timings: BudgetTimings;
  private readonly logger: Logger;
  private readonly unlimited: boolean;
  /** Only a concurrency limit: starts need no booking. */
  private readonly slotsOnly: boolean;
  private queue: Waiter[] = [];
  /** Slots this process's callers use now. */
  private inUse = 0;
  /** Slots this process still holds in the store that no caller uses (given back, not yet reported). */
  private idle = 0;
  /** Local clock: since when a slot has been idle. */
  private idleSince = 0;
  /** Whether the last exchange showed another holder waiting. */
  private othersWaiting = false;
  private pendingPause?: { ms: number; reporterWaits: boolean };
  private exchanging = false;
  private pumpQueued = false;
  private closed = false;
  /** Local clock: after the store failed, no exchange before then. */
  private storeRetryAt = 0;
  /** Local clock: callers still waiting ask again from then on. */
  private askAgainAt = 0;
  private pollMs = MIN_POLL_MS;
  private lastExchangeAt = Number.NEGATIVE_INFINITY;
  /** Local clock: the end of a pause this process honours. */
  private pausedUntil = 0;
  private cancelTimer?: () => void;
  private exchanges = 0;
  private lateStarts = 0;
  /** Callers that asked and have not started (queued, or booked for a later start), for currentWait. */
  private readonly pending = new Set<Waiter>();
  /** Callers sitting out a vendor's 429 by themselves (sitOut): since when, and until when. */
  private readonly sittingOut = new Set<{ since: number; until: number }>();
  /** Why the store last held back this process's callers (cleared when it granted all they asked). */
  private lastBlocked?: BlockReason;
  /** Local clock: when the store said the rate has room for the next start (while it holds callers back for the rate). */
  private nextStartAt?: number;
  private readonly rate?: BudgetRate;

  constructor(options: AccountBudgetOptions) {
    this.key = options.key;
    this.limits = options.limits;
    this.clock = options.clock ?? realClock;
    this.store = options.store ?? new MemoryBudgetStateStore(this.clock);
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.logger = options.logger ?? silentLogger;
    this.holder = options.holder ?? `${hostname()}/${process.pid}/${randomBytes(3).toString("hex")}`;
    this.rate = options.rate;
    const { requestsPerWindow, minIntervalMs, maxConcurrency } = options.limits;
    this.unlimited = requestsPerWindow <= 0 && minIntervalMs <= 0 && maxConcurrency <= 0;
    this.slotsOnly = requestsPerWindow <= 0 && minIntervalMs <= 0 && maxConcurrency > 0;
  }

  /** Store exchanges made so far (for measurements). */
  get exchangeCount(): number {
    return this.exchanges;
  }

  /** Booked starts that came later than limits.maxLateStartMs and were booked again (for measurements). */
  get lateStartCount(): number {
    return this.lateStarts;
  }

  /** Waits for a start within the budget. Call release() on the grant when the request is done. */
  acquire(options: AcquireOptions = {}): Promise<BudgetGrant> {
    if (this.closed) return Promise.reject(new Error(`The request budget ${this.key} is closed`));
    const now = this.clock.now();
    const maxWaitMs = options.maxWaitMs ?? Number.POSITIVE_INFINITY;
    return new Promise<BudgetGrant>((resolve, reject) => {
      const waiter: Waiter = {
        enqueuedAt: now,
        deadline: now + maxWaitMs,
        maxWaitMs,
        whilePaused: options.whilePaused ?? "wait",
        resolve: (grant) => {
          this.pending.delete(waiter);
          resolve(grant);
        },
        reject: (error) => {
          this.pending.delete(waiter);
          reject(error);
        },
      };
      this.pending.add(waiter);
      this.queue.push(waiter);
      this.pumpSoon();
    });
  }

  /**
   * Runs `wait` for a caller that sits out a vendor's 429 by itself (its Retry-After, `ms` from now), so that
   * currentWait says so while it lasts.
   */
  async sitOut<T>(ms: number, wait: () => Promise<T>): Promise<T> {
    const now = this.clock.now();
    const entry = { since: now, until: now + Math.max(0, ms) };
    this.sittingOut.add(entry);
    try {
      return await wait();
    } finally {
      this.sittingOut.delete(entry);
    }
  }

  /**
   * What this process's callers wait for now, if any caller waits: the reason, since when the longest-waiting one
   * has waited, and the budget's limits. Answered from memory (no store round trip), so a caller may ask often.
   */
  currentWait(): BudgetWaitNow | undefined {
    const callers = this.pending.size + this.sittingOut.size;
    if (callers === 0) return undefined;
    const now = this.clock.now();
    let since = Number.POSITIVE_INFINITY;
    for (const waiter of this.pending) since = Math.min(since, waiter.enqueuedAt);
    let until = this.pausedUntil > now ? this.pausedUntil : undefined;
    for (const entry of this.sittingOut) {
      since = Math.min(since, entry.since);
      until = Math.max(until ?? 0, entry.until);
    }
    const requestsPerSecond = requestsPerSecondOf(this.limits);
    const reason = until !== undefined ? "retry-after" : this.heldBackBy();
    const nextStartAt = reason === "rate" && this.nextStartAt !== undefined && this.nextStartAt > now ? this.nextStartAt : undefined;
    return {
      reason,
      since,
      ...(until !== undefined ? { until } : {}),
      ...(nextStartAt !== undefined ? { nextStartAt } : {}),
      callers,
      ...(this.rate ? { rate: this.rate } : {}),
      ...(requestsPerSecond !== undefined ? { requestsPerSecond } : {}),
      maxConcurrency: Math.max(0, this.limits.maxConcurrency),
    };
  }

  /** Rate or concurrency: what holds back the callers that wait now (no pause is in force). */
  private heldBackBy(): "rate" | "concurrency" {
    // Booked for a later start, none left in line: the rate spaces them.
    if (this.queue.length === 0) return "rate";
    // Every slot is this process's and in use: the callers wait for its own requests to end.
    if (this.limits.maxConcurrency > 0 && this.inUse >= this.limits.maxConcurrency) return "concurrency";
    const reason = waitReasonOf(this.lastBlocked, this.limits);
    return reason === "retry-after" ? "rate" : reason;
  }

  /**
   * A vendor's 429: nobody sharing the budget starts a request for `ms`. `reporterWaits`: the caller waits this
   * pause out by itself, so only the other processes' budgets hold their requests for it.
   */
  pause(ms: number, options: { reporterWaits?: boolean } = {}): void {
    if (!(ms > 0) || this.closed) return;
    const reporterWaits = options.reporterWaits ?? false;
    if (!reporterWaits) this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
    if (!this.unlimited) this.notePause({ ms, reporterWaits });
    this.pumpSoon();
  }

  /** Keeps the longest pause still to report. */
  private notePause(pause: { ms: number; reporterWaits: boolean }): void {
    if (!this.pendingPause || pause.ms > this.pendingPause.ms) this.pendingPause = pause;
  }

  /** Gives back everything this process holds and stops; callers still waiting are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cancelTimer?.();
    for (const waiter of this.queue.splice(0)) waiter.reject(new Error(`The request budget ${this.key} is closed`));
    if (this.unlimited || this.exchanges === 0) return;
    const ask: BudgetAsk = { holder: this.holder, release: 0, starts: 0, leave: true };
    await this.store
      .update(this.key, (state, now) => ({ state: decide(state, this.limits, ask, now, this.timings).state, result: undefined }))
      .catch((error: unknown) =>
        this.logger.warn({ err: error, budget: this.key }, "could not give back the request budget's slots; they lapse by themselves"),
      );
  }

  private release(): void {
    if (this.limits.maxConcurrency <= 0) return;
    this.inUse -= 1;
    if (this.idle === 0) this.idleSince = this.clock.now();
    this.idle += 1;
    this.pumpSoon();
  }

  /** Callers and releases of the same turn of the event loop go in one exchange. */
  private pumpSoon(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  private grant(waiter: Waiter, delayMs: number): void {
    let released = false;
    const dueAt = this.clock.now() + Math.max(0, delayMs);
    const settle = () => {
      const lateMs = this.clock.now() - dueAt;
      if (lateMs > (this.limits.maxLateStartMs ?? Number.POSITIVE_INFINITY) && !this.closed) {
        this.rebook(waiter, lateMs);
        return;
      }
      waiter.resolve({
        waitedMs: Math.max(0, this.clock.now() - waiter.enqueuedAt),
        release: () => {
          if (released) return;
          released = true;
          this.release();
        },
      });
    };
    if (delayMs <= 0) settle();
    else this.clock.schedule(settle, delayMs, true);
  }

  /**
   * A start that came too late: its booking stays counted in the store (a count can only be too high, never too low),
   * its slot goes back, and the caller asks first for a new start.
   */
  private rebook(waiter: Waiter, lateMs: number): void {
    this.lateStarts += 1;
    this.logger.debug({ budget: this.key, lateMs: Math.round(lateMs) }, "a booked start came too late to send; booking it again");
    if (this.limits.maxConcurrency > 0) {
      this.inUse -= 1;
      if (this.idle === 0) this.idleSince = this.clock.now();
      this.idle += 1;
    }
    this.queue.unshift(waiter);
    this.pumpSoon();
  }

  /** Decides what is due now: answers callers that cannot be served, then starts an exchange or sets a timer. */
  private pump(): void {
    if (this.exchanging || this.closed) return;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const now = this.clock.now();
    this.rejectOverdue(now);
    const paused = this.pausedUntil > now;
    if (paused) this.answerPaused(this.pausedUntil - now, now);
    if (this.unlimited) {
      if (!paused) for (const waiter of this.queue.splice(0)) this.grant(waiter, 0);
      this.scheduleNext(now);
      return;
    }
    if (!paused && this.mayReuseIdle(now)) {
      while (this.idle > 0 && this.queue.length > 0) {
        this.idle -= 1;
        this.inUse += 1;
        this.grant(this.queue.shift()!, 0);
      }
    }
    const keepIdle = this.mayReuseIdle(now) && now - this.idleSince < IDLE_SLOT_LINGER_MS;
    const release = keepIdle ? 0 : this.idle;
    // While paused nothing is asked for (the place in line matters little then), only reported.
    const starts = paused ? 0 : this.startsToAsk(release);
    const asking = starts > 0 && now >= this.askAgainAt;
    const holding = this.inUse + this.idle > 0;
    const heartbeat = holding && now - this.lastExchangeAt >= (this.slotsOnly ? FAIRNESS_CHECK_MS : this.timings.leaseMs / 3);
    const due = asking || release > 0 || this.pendingPause !== undefined || heartbeat;
    if (due && now >= this.storeRetryAt) void this.exchange(starts, release);
    else this.scheduleNext(now);
  }

  /** Whether an idle slot may serve this process's next caller without asking the store. */
  private mayReuseIdle(now: number): boolean {
    return this.slotsOnly && !this.othersWaiting && now - this.lastExchangeAt < FAIRNESS_CHECK_MS;
  }

  /** Starts worth asking for, when `release` idle slots go back in the same exchange. */
  private startsToAsk(release: number): number {
    if (this.queue.length === 0) return 0;
    const held = this.inUse + this.idle - release;
    const room = this.limits.maxConcurrency > 0 ? this.limits.maxConcurrency - held : MAX_STARTS_PER_ASK;
    return Math.max(0, Math.min(this.queue.length, room));
  }

  private async exchange(starts: number, release: number): Promise<void> {
    this.exchanging = true;
    const ask: BudgetAsk = { holder: this.holder, release, starts, ...(this.pendingPause ? { pause: this.pendingPause } : {}) };
    this.idle -= release;
    this.pendingPause = undefined;
    try {
      const { result, now } = await this.store.update(this.key, (state, storeNow) => {
        const decision = decide(state, this.limits, ask, storeNow, this.timings);
        return { state: decision.state, result: decision };
      });
      this.exchanges += 1;
      this.lastExchangeAt = this.clock.now();
      this.apply(result, now, starts > 0);
    } catch (error) {
      this.idle += ask.release;
      if (ask.pause) this.notePause(ask.pause);
      this.storeRetryAt = this.clock.now() + STORE_RETRY_MS;
      this.logger.warn({ err: error, budget: this.key }, "the shared request budget could not be reached; waiting requests fail");
      const failure = new Error(`The request budget ${this.key} could not be reached: ${(error as Error).message}`, { cause: error });
      for (const waiter of this.queue.splice(0)) waiter.reject(failure);
    } finally {
      this.exchanging = false;
      this.pump();
    }
  }

  /** `asked`: the exchange asked for starts (its answer says what holds the callers back; a heartbeat's says nothing). */
  private apply(decision: BudgetDecision, storeNow: number, asked: boolean): void {
    const localNow = this.clock.now();
    if (decision.pausedUntil > storeNow) this.pausedUntil = Math.max(this.pausedUntil, localNow + (decision.pausedUntil - storeNow));
    this.othersWaiting = decision.othersWaiting;
    if (asked) {
      this.lastBlocked = decision.blocked?.reason;
      const rateRetryAt = decision.blocked?.reason === "rate" ? decision.blocked.retryAt : undefined;
      // The store says when asking again can help: a horizon before the next start it could book.
      this.nextStartAt = rateRetryAt === undefined ? undefined : localNow + (rateRetryAt + this.timings.horizonMs - storeNow);
    }
    if (this.limits.maxConcurrency > 0) this.inUse += decision.starts.length;
    for (const at of decision.starts) {
      const delay = Math.max(0, at - storeNow);
      // Bookings come in time order: a caller that cannot wait for this one cannot wait for the later ones either.
      let waiter: Waiter | undefined;
      while (!waiter && this.queue.length > 0) {
        const next = this.queue.shift()!;
        if (canWait(next, delay, localNow)) waiter = next;
        else next.reject(new BudgetWaitError(delay, next.maxWaitMs));
      }
      if (waiter) this.grant(waiter, delay);
      else if (this.limits.maxConcurrency > 0) {
        this.inUse -= 1;
        if (this.idle === 0) this.idleSince = localNow;
        this.idle += 1;
      }
    }
    if (!decision.blocked) {
      this.pollMs = MIN_POLL_MS;
      this.askAgainAt = 0;
      return;
    }
    const { reason, retryAt } = decision.blocked;
    const waitMs = retryAt === undefined ? undefined : Math.max(0, retryAt - storeNow);
    if (reason === "paused") this.answerPaused(waitMs ?? 0, localNow);
    else if (waitMs !== undefined) {
      this.queue = this.queue.filter((waiter) => {
        if (canWait(waiter, waitMs, localNow)) return true;
        waiter.reject(new BudgetWaitError(waitMs, waiter.maxWaitMs));
        return false;
      });
    }
    if (waitMs !== undefined) {
      this.askAgainAt = localNow + waitMs;
    } else {
      this.askAgainAt = localNow + this.pollMs;
      this.pollMs = Math.min(MAX_POLL_MS, this.pollMs * 2);
    }
  }

  /** During a pause of `remainingMs`: callers that report pauses, or cannot wait that long, are answered now. */
  private answerPaused(remainingMs: number, now: number): void {
    this.queue = this.queue.filter((waiter) => {
      if (waiter.whilePaused === "report") waiter.reject(new BudgetPausedError(remainingMs));
      else if (!canWait(waiter, remainingMs, now)) waiter.reject(new BudgetWaitError(remainingMs, waiter.maxWaitMs));
      else return true;
      return false;
    });
  }

  private rejectOverdue(now: number): void {
    if (!this.queue.some((waiter) => waiter.deadline <= now)) return;
    this.queue = this.queue.filter((waiter) => {
      if (waiter.deadline > now) return true;
      waiter.reject(new BudgetWaitError(undefined, waiter.maxWaitMs));
      return false;
    });
  }

  private scheduleNext(now: number): void {
    let at = Number.POSITIVE_INFINITY;
    let keepAlive = false;
    if (this.queue.length > 0) {
      keepAlive = true;
      at = Math.max(now, this.askAgainAt, this.pausedUntil);
      for (const waiter of this.queue) at = Math.min(at, waiter.deadline);
      // Every slot is ours and taken: our own next release asks again, no timer needed for that.
      if (!this.unlimited && this.startsToAsk(this.idle) === 0) at = Math.min(...this.queue.map((waiter) => waiter.deadline));
    }
    if (this.inUse + this.idle > 0) {
      at = Math.min(at, this.lastExchangeAt + (this.slotsOnly ? FAIRNESS_CHECK_MS : this.timings.leaseMs / 3));
    }
    if (this.idle > 0) at = Math.min(at, this.idleSince + IDLE_SLOT_LINGER_MS);
    if (this.idle > 0 || this.pendingPause) at = Math.min(at, this.storeRetryAt);
    if (!Number.isFinite(at)) return;
    at = Math.max(at, this.storeRetryAt);
    this.cancelTimer = this.clock.schedule(() => this.pump(), at - now, keepAlive);
  }
}

function canWait(waiter: Waiter, ms: number, now: number): boolean {
  return waiter.deadline - now >= ms;
}
