/** An error the sandbox answers in Chargebee's JSON shape. */
export class SandboxApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly apiErrorCode: string,
    message: string,
    readonly param?: string,
    readonly type?: "invalid_request" | "operation_failed" | "payment",
  ) {
    super(message);
  }

  toJSON(): Record<string, unknown> {
    return {
      message: this.message,
      ...(this.type ? { type: this.type } : {}),
      api_error_code: this.apiErrorCode,
      ...(this.param ? { param: this.param } : {}),
      error_code: this.apiErrorCode,
      error_msg: this.message,
      http_status_code: this.httpStatus,
    };
  }
}

export const notFound = (what: string, id: string, param?: string) =>
  new SandboxApiError(404, "resource_not_found", `Sorry, we couldn't find that resource: ${what} ${id}`, param, "invalid_request");
export const wrongValue = (param: string, message: string) => new SandboxApiError(400, "param_wrong_value", message, param, "invalid_request");
export const duplicate = (param: string, value: string) =>
  new SandboxApiError(400, "duplicate_entry", `The value ${value} is already present.`, param, "invalid_request");
