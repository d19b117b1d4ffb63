import { ChargebeeApiError } from "../../connectors/chargebee/index.js";
import { PowerOfficeApiError, PowerOfficeNetworkError } from "../../connectors/poweroffice/index.js";
import { isDataError } from "../../db/errors.js";
import { RetryNextRunError } from "../model/errors.js";

/** Why the vendor refused a write (a 4xx that is the record's fault), or null. */
export function isRefusal(error: unknown): string | null {
  if (
    error instanceof ChargebeeApiError &&
    error.httpStatus >= 400 &&
    error.httpStatus < 500 &&
    error.httpStatus !== 429 &&
    error.httpStatus !== 401 &&
    error.httpStatus !== 403
  ) {
    return `Chargebee refused the write (${error.apiErrorCode}${error.param ? `, ${error.param}` : ""}): ${error.message}`;
  }
  if (error instanceof PowerOfficeApiError && [400, 404, 409, 422].includes(error.status)) {
    return `PowerOffice refused the write (${error.status} ${error.title}): ${error.detail || error.message}`;
  }
  return null;
}

const NETWORK_ERROR_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * Whether an error says nothing about the record: the network, the vendor being down or limiting us (after the
 * clients' retries), credentials, or the database being unreachable. Such a record is left for the next run and
 * the run ends partial. Any other error is the record's (or a flow's bug on its data): it is quarantined.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof RetryNextRunError) return true;
  if (error instanceof ChargebeeApiError || error instanceof PowerOfficeApiError || error instanceof PowerOfficeNetworkError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && NETWORK_ERROR_CODES.has(code)) return true;
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return !isDataError(error);
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}

/** How an error thrown while deciding or writing a record is handled: a refusal or a record's own error quarantines it. */
export function describeFailure(error: unknown): { refusal: string | null; transient: boolean; message: string } {
  return { refusal: isRefusal(error), transient: isTransient(error), message: error instanceof Error ? error.message : String(error) };
}
