/** When and how long to wait before retrying a PowerOffice request. */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 10_000 };

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/**
 * Capped exponential backoff with full jitter: a random wait in [0, min(max, base * 2^(attempt-1))].
 * A server hint (Retry-After or the "Try again in N seconds" message) is a floor.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, serverHintMs: number | undefined, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return serverHintMs !== undefined ? Math.max(serverHintMs, jittered) : jittered;
}

/** Retry-After as seconds or an HTTP date, or the APIM message "Try again in N seconds"; undefined if none. */
export function serverRetryHintMs(retryAfter: string | null, message: string | undefined, now = Date.now()): number | undefined {
  if (retryAfter !== null && retryAfter.trim() !== "") {
    const trimmed = retryAfter.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
    const date = Date.parse(trimmed);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const match = message?.match(/try again in (\d+) seconds?/i);
  return match ? Number(match[1]) * 1000 : undefined;
}
