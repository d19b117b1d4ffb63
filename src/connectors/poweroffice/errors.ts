/** Typed failures of the PowerOffice client. Every message says what to do next. */

/** A response the API answered with an error status (ProblemDetails body when it sends one). */
export class PowerOfficeApiError extends Error {
  /** HTTP status (0 never; see PowerOfficeNetworkError for failures without a response). */
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly type?: string;
  readonly instance?: string;
  /** Method and path template, e.g. "GET /Customers/{id}". */
  readonly endpoint: string;
  /** True when the same request may succeed later (429, 5xx). */
  readonly retryable: boolean;
  /** How many attempts were made before giving up. */
  readonly attempts: number;

  constructor(init: {
    status: number;
    title: string;
    detail: string;
    type?: string;
    instance?: string;
    endpoint: string;
    retryable: boolean;
    attempts: number;
    message?: string;
  }) {
    super(init.message ?? `PowerOffice ${init.endpoint} answered ${init.status} ${init.title}${init.detail ? `: ${init.detail}` : ""}`);
    this.name = "PowerOfficeApiError";
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.type = init.type;
    this.instance = init.instance;
    this.endpoint = init.endpoint;
    this.retryable = init.retryable;
    this.attempts = init.attempts;
  }
}

/**
 * The keys were refused (token endpoint 400 invalid_client, 401 after one token renewal, missing subscription key)
 * or the integration lacks a privilege (403). Retrying does not help; the configuration or the client's
 * integration settings in PowerOffice Go must change.
 */
export class PowerOfficeAuthError extends PowerOfficeApiError {
  /** The OAuth error code from the token endpoint ("invalid_client", …), when there is one. */
  readonly oauthError?: string;

  constructor(init: ConstructorParameters<typeof PowerOfficeApiError>[0] & { oauthError?: string }) {
    super({ ...init, retryable: false });
    this.name = "PowerOfficeAuthError";
    this.oauthError = init.oauthError;
  }
}

/** No HTTP response: connection refused or dropped, or the request timed out, on every attempt. */
export class PowerOfficeNetworkError extends Error {
  readonly endpoint: string;
  readonly kind: "timeout" | "network";
  readonly retryable = true;
  readonly attempts: number;

  constructor(init: { endpoint: string; kind: "timeout" | "network"; attempts: number; cause: unknown; message?: string }) {
    super(
      init.message ??
        `PowerOffice ${init.endpoint} ${init.kind === "timeout" ? "timed out" : "could not be reached"} after ${init.attempts} attempt(s); check the API base URL and the network, then retry`,
      { cause: init.cause },
    );
    this.name = "PowerOfficeNetworkError";
    this.endpoint = init.endpoint;
    this.kind = init.kind;
    this.attempts = init.attempts;
  }
}

/** The client cannot be built from the configuration given. */
export class PowerOfficeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PowerOfficeConfigError";
  }
}

/** Reads a ProblemDetails body in either casing (the spec's schema is PascalCase, its examples lowercase). */
export function readProblemDetails(body: unknown): { title?: string; detail?: string; type?: string; instance?: string; status?: number } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return {};
  const lower = new Map<string, unknown>();
  for (const [k, v] of Object.entries(body)) lower.set(k.toLowerCase(), v);
  const str = (key: string): string | undefined => {
    const v = lower.get(key);
    return typeof v === "string" ? v : undefined;
  };
  const statusValue = lower.get("status") ?? lower.get("statuscode");
  const status =
    typeof statusValue === "number" ? statusValue : typeof statusValue === "string" && /^\d+$/.test(statusValue) ? Number(statusValue) : undefined;
  return {
    title: str("title") ?? str("error"),
    detail: str("detail") ?? str("error_description") ?? str("message"),
    type: str("type"),
    instance: str("instance"),
    status,
  };
}
