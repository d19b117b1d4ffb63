import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ChargebeeApiError } from "../../connectors/chargebee/index.js";
import { PowerOfficeApiError } from "../../connectors/poweroffice/index.js";
import { createRefusal, creationKey, refuseUnpartnered } from "./create-requested.js";

const chargebeeError = (httpStatus: number, apiErrorCode: string, param?: string) =>
  new ChargebeeApiError({ httpStatus, apiErrorCode, message: `refused ${param ?? ""}`, param, endpoint: "customer.create" });
const powerOfficeError = (status: number, detail: string) =>
  new PowerOfficeApiError({
    status,
    title: "Customer validation error(s)",
    detail,
    endpoint: "POST /Customers",
    retryable: status >= 500,
    attempts: 1,
  });

describe("createRefusal", () => {
  test("a Chargebee refusal names the unified field of the parameter it names", () => {
    assert.deepEqual(createRefusal(chargebeeError(400, "param_wrong_value", "billing_address[zip]")), {
      system: "chargebee",
      field: "address",
      message: "refused billing_address[zip]",
    });
    assert.equal(createRefusal(chargebeeError(400, "param_wrong_value", "first_name"))?.field, "firstName");
    assert.equal(createRefusal(chargebeeError(400, "param_wrong_value"))?.field, null);
  });

  test("what waiting or retrying can cure is no refusal (the run retries it)", () => {
    assert.equal(createRefusal(chargebeeError(429, "api_request_limit_exceeded")), null);
    assert.equal(createRefusal(chargebeeError(503, "internal_temporary_error")), null);
    assert.equal(createRefusal(chargebeeError(401, "api_authentication_failed")), null);
    assert.equal(createRefusal(powerOfficeError(503, "")), null);
    assert.equal(createRefusal(new Error("socket hang up")), null);
  });

  test("a PowerOffice refusal names the field its detail names", () => {
    assert.deepEqual(createRefusal(powerOfficeError(400, "EmailAddress is not a valid e-mail address.")), {
      system: "poweroffice",
      field: "email",
      message: "PowerOffice POST /Customers answered 400 Customer validation error(s): EmailAddress is not a valid e-mail address.",
    });
    assert.equal(createRefusal(powerOfficeError(400, "ZipCode is required"))?.field, "address");
    assert.equal(createRefusal(powerOfficeError(400, "Name is required for a company"))?.field, "company");
  });

  test("the creation key is one per run, and fits Chargebee's 50-character ids", () => {
    const key = creationKey("0b7c1c3e-52a5-4c3e-9d59-6c1b8c6f1a20");
    assert.equal(key, "gw-0b7c1c3e-52a5-4c3e-9d59-6c1b8c6f1a20");
    assert.ok(key.length <= 50);
  });
});

describe("refuseUnpartnered", () => {
  const person = { system: "chargebee" as const, kind: "customer" as const, values: { email: "a@b.no", firstName: "A", lastName: "B" } };
  const company = { system: "poweroffice" as const, kind: "customer" as const, values: { email: "a@b.no", company: "AB AS" } };

  test("a create whose partner the settings would not make is refused before anything is made, naming the setting", () => {
    assert.doesNotThrow(() => refuseUnpartnered({ create: "both", createOff: [] }, person));
    assert.throws(
      () => refuseUnpartnered({ create: "poweroffice", createOff: [] }, person),
      /^Error: SYNC_CREATE=poweroffice .* F10 would not make its PowerOffice partner; make the customer with in: POWEROFFICE/,
    );
    assert.throws(
      () => refuseUnpartnered({ create: "both", createOff: ["F4"] }, company),
      /SYNC_CREATE_OFF lists F4, so F4 would not make its Chargebee partner/,
    );
    assert.doesNotThrow(() => refuseUnpartnered({ create: "both", createOff: ["F3"] }, company));
    const refusal = (() => {
      try {
        refuseUnpartnered({ create: "chargebee", createOff: [] }, company);
      } catch (error) {
        return createRefusal(error);
      }
      return null;
    })();
    assert.deepEqual([refusal?.system, refusal?.by, refusal?.field], ["chargebee", "settings", null]);
  });
});
