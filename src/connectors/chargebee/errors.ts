/** Chargebee's error codes the client treats as "try again later". */
const RETRYABLE_CODES = new Set([
  "api_request_limit_exceeded",
  "lock_timeout",
  "third_party_api_request_limit_exceeded",
  "internal_error",
  "internal_temporary_error",
  "db_connection_failure",
  "site_read_only_mode",
  "gateway_timeout",
]);
/** 5xx codes that will not go away by waiting a few seconds. */
const FINAL_SERVER_CODES = new Set(["site_not_ready"]);

/** A failed Chargebee call, typed. The SDK rejects with plain objects; every failure is turned into this. */
export class ChargebeeApiError extends Error {
  override readonly name = "ChargebeeApiError";
  /** 0 when no HTTP response arrived (connection dropped, refused, timed out). */
  readonly httpStatus: number;
  readonly apiErrorCode: string;
  readonly type?: string;
  readonly param?: string;
  readonly retryable: boolean;
  /** From a Retry-After header, when there was one. */
  readonly retryAfterMs?: number;
  /** "<resource>.<operation>" */
  readonly endpoint: string;

  constructor(fields: {
    httpStatus: number;
    apiErrorCode: string;
    message: string;
    type?: string;
    param?: string;
    retryAfterMs?: number;
    endpoint: string;
    cause?: unknown;
  }) {
    super(fields.message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.httpStatus = fields.httpStatus;
    this.apiErrorCode = fields.apiErrorCode;
    this.type = fields.type;
    this.param = fields.param;
    this.retryAfterMs = fields.retryAfterMs;
    this.endpoint = fields.endpoint;
    this.retryable = isRetryable(fields.httpStatus, fields.apiErrorCode);
  }

  get isNotFound(): boolean {
    return this.apiErrorCode === "resource_not_found";
  }

  get isDuplicate(): boolean {
    return this.apiErrorCode === "duplicate_entry";
  }
}

function isRetryable(httpStatus: number, code: string): boolean {
  if (FINAL_SERVER_CODES.has(code) || code === "client_validation_failed") return false;
  if (httpStatus === 0) return true;
  if (httpStatus === 429) return true;
  if (httpStatus >= 500) return true;
  return RETRYABLE_CODES.has(code);
}

interface PlainChargebeeError {
  message?: unknown;
  type?: unknown;
  api_error_code?: unknown;
  error_code?: unknown;
  param?: unknown;
  http_status_code?: unknown;
  headers?: unknown;
}

function asString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function parseRetryAfter(value: string | undefined | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  return undefined;
}

/** Turns whatever the SDK rejected with (plain object, ChargebeeError, fetch TypeError, abort) into a ChargebeeApiError. */
export function toChargebeeApiError(raw: unknown, endpoint: string): ChargebeeApiError {
  if (raw instanceof ChargebeeApiError) return raw;
  if (raw !== null && typeof raw === "object") {
    const plain = raw as PlainChargebeeError;
    const status = typeof plain.http_status_code === "number" ? plain.http_status_code : undefined;
    if (status !== undefined) {
      const headers = (plain.headers ?? {}) as Record<string, string>;
      const isTimeout = plain.type === "timeout";
      return new ChargebeeApiError({
        httpStatus: isTimeout ? 0 : status,
        apiErrorCode: isTimeout ? "timeout" : (asString(plain.api_error_code) ?? asString(plain.error_code) ?? `http_${status}`),
        type: asString(plain.type),
        param: asString(plain.param),
        message: isTimeout
          ? `Chargebee did not answer ${endpoint} in time; the request was aborted`
          : (asString(plain.message) ?? `Chargebee answered ${endpoint} with HTTP ${status}`),
        retryAfterMs: parseRetryAfter(headers["retry-after"]),
        endpoint,
        cause: raw,
      });
    }
  }
  const error = raw instanceof Error ? raw : new Error(String(raw));
  if (error.name === "ChargebeeZodValidationError") {
    // The SDK's own validator refused the parameters before any request was sent.
    return new ChargebeeApiError({
      httpStatus: 400,
      apiErrorCode: "client_validation_failed",
      type: "invalid_request",
      message: error.message,
      endpoint,
      cause: raw,
    });
  }
  const causeCode = (error as { cause?: { code?: string } }).cause?.code;
  return new ChargebeeApiError({
    httpStatus: 0,
    apiErrorCode: "network_error",
    message: `No answer from Chargebee for ${endpoint}: ${error.message}${causeCode ? ` (${causeCode})` : ""}. Check the site name and network`,
    endpoint,
    cause: raw,
  });
}
