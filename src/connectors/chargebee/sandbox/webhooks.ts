import type { Logger } from "../../../logging/logger.js";
import type { ChargebeeSandboxStore, SandboxRecord } from "./store.js";

export interface SandboxWebhookConfig {
  url: string;
  username?: string;
  password?: string;
  /** Waits before each retry. Default Chargebee's: 2 min, 6 min, 30 min, 1 h, 5 h, 1 day, 2 days. */
  retryScheduleMs?: number[];
  /** Per delivery attempt. Default 10 s. */
  timeoutMs?: number;
}

export const CHARGEBEE_WEBHOOK_RETRY_SCHEDULE_MS = [2, 6, 30, 60, 300, 1440, 2880].map((minutes) => minutes * 60_000);

export interface WebhookDelivery {
  eventId: string;
  eventType: string;
  attempt: number;
  /** HTTP status, or 0 when no answer came. */
  status: number;
  ok: boolean;
  at: string;
  error?: string;
}

/**
 * Posts events to the configured endpoint as Chargebee does: JSON event body, Basic auth, only 2xx counts, failures
 * retried on the schedule, then marked failed. Deliveries run independently, so they may arrive out of order.
 */
export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  private pending = 0;
  private timers = new Set<NodeJS.Timeout>();
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  private attemptIds = 0;
  /** Aborts deliveries in flight when the sandbox closes. */
  private readonly aborter = new AbortController();

  constructor(
    private readonly store: ChargebeeSandboxStore,
    private readonly config: SandboxWebhookConfig,
    private readonly logger: Logger,
  ) {}

  get schedule(): number[] {
    return this.config.retryScheduleMs ?? CHARGEBEE_WEBHOOK_RETRY_SCHEDULE_MS;
  }

  /** Called for every new event. */
  enqueue(event: SandboxRecord): void {
    if (event.webhook_status !== "scheduled" || this.closed) return;
    this.attempt(event, 0);
  }

  /** Delivers the events a previous run left undelivered (restored state); returns how many. */
  resumePending(events: Iterable<SandboxRecord>): number {
    let resumed = 0;
    for (const event of events) {
      if (this.closed || (event.webhook_status !== "scheduled" && event.webhook_status !== "re_scheduled")) continue;
      this.attempt(event, 0);
      resumed += 1;
    }
    return resumed;
  }

  /** Delivers an event again (as Chargebee's "resend" does), e.g. to test duplicate deliveries. */
  resend(eventId: string): void {
    const event = this.store.raw("event", eventId);
    if (!event) throw new Error(`No event ${eventId}`);
    this.attempt(event, 0);
  }

  /** Resolves once no delivery is in flight or waiting for a retry. */
  waitForIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    this.aborter.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pending = 0;
    this.settle();
  }

  private settle(): void {
    if (this.pending !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private attempt(event: SandboxRecord, attempt: number): void {
    this.pending += 1;
    void this.post(event, attempt).finally(() => {
      this.pending -= 1;
      this.settle();
    });
  }

  private async post(event: SandboxRecord, attempt: number): Promise<void> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.config.username !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${this.config.username}:${this.config.password ?? ""}`).toString("base64")}`;
    }
    const body = JSON.stringify(this.store.present("event", { ...event, webhook_status: "scheduled" }));
    let status = 0;
    let error: string | undefined;
    try {
      const response = await fetch(this.config.url, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.any([this.aborter.signal, AbortSignal.timeout(this.config.timeoutMs ?? 10_000)]),
      });
      status = response.status;
      await response.arrayBuffer();
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
    if (this.closed) return;
    const ok = status >= 200 && status < 300;
    this.deliveries.push({
      eventId: event.id,
      eventType: String(event.event_type),
      attempt,
      status,
      ok,
      at: new Date().toISOString(),
      ...(error ? { error } : {}),
    });
    const attemptId = `whv2_sbx_${(++this.attemptIds).toString(36)}`;
    if (ok) {
      this.store.setWebhookStatus(event.id, "succeeded", { id: attemptId, status: "succeeded" });
      return;
    }
    const wait = this.schedule[attempt];
    if (wait === undefined) {
      this.store.setWebhookStatus(event.id, "failed", { id: attemptId, status: "failed" });
      this.logger.warn({ eventId: event.id, attempts: attempt + 1 }, "Sandbox webhook delivery gave up");
      return;
    }
    this.store.setWebhookStatus(event.id, "re_scheduled", { id: attemptId, status: "re_scheduled" });
    this.pending += 1;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.pending -= 1;
      this.attempt(event, attempt + 1);
    }, wait);
    timer.unref();
    this.timers.add(timer);
  }
}
