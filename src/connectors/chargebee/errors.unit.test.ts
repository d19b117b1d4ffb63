import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ChargebeeApiError, parseRetryAfter, toChargebeeApiError } from "./errors.js";
import { chargebeeRecordFrom } from "./records.js";
import { toColumns } from "./client.js";

describe("typed errors from what the SDK rejects with", () => {
  test("a plain object (non-2xx) keeps status, code, param and Retry-After", () => {
    const error = toChargebeeApiError(
      {
        message: "Too many",
        type: "operation_failed",
        api_error_code: "api_request_limit_exceeded",
        http_status_code: 429,
        headers: { "retry-after": "7" },
      },
      "customer.list",
    );
    assert.ok(error instanceof ChargebeeApiError);
    assert.deepEqual(
      [error.httpStatus, error.apiErrorCode, error.retryable, error.retryAfterMs, error.endpoint],
      [429, "api_request_limit_exceeded", true, 7000, "customer.list"],
    );
    const duplicate = toChargebeeApiError(
      { message: "dup", api_error_code: "duplicate_entry", param: "id", http_status_code: 400, headers: {} },
      "customer.create",
    );
    assert.deepEqual([duplicate.isDuplicate, duplicate.retryable, duplicate.param], [true, false, "id"]);
    const lock = toChargebeeApiError({ api_error_code: "lock_timeout", http_status_code: 429 }, "x");
    assert.equal(lock.retryable, true);
    const notReady = toChargebeeApiError({ api_error_code: "site_not_ready", http_status_code: 503 }, "x");
    assert.equal(notReady.retryable, false, "site_not_ready does not go away by retrying");
  });

  test("the SDK's timeout, a network failure and its own validation", () => {
    const timeout = toChargebeeApiError(Object.assign(new Error("io_error"), { type: "timeout", http_status_code: 504 }), "x");
    assert.deepEqual([timeout.httpStatus, timeout.apiErrorCode, timeout.retryable], [0, "timeout", true]);
    const network = toChargebeeApiError(new TypeError("fetch failed", { cause: { code: "ECONNRESET" } }), "x");
    assert.deepEqual([network.httpStatus, network.apiErrorCode, network.retryable], [0, "network_error", true]);
    assert.match(network.message, /ECONNRESET/);
    const validation = toChargebeeApiError(Object.assign(new Error("bad"), { name: "ChargebeeZodValidationError" }), "x");
    assert.deepEqual([validation.apiErrorCode, validation.retryable], ["client_validation_failed", false]);
  });

  test("Retry-After in seconds or as a date", () => {
    assert.equal(parseRetryAfter("3"), 3000);
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.ok((parseRetryAfter(new Date(Date.now() + 10_000).toUTCString()) ?? 0) > 0);
  });
});

describe("dataset records from Chargebee objects", () => {
  test("customer: e-mail case-folded, name, parent, change time, deleted", () => {
    const record = chargebeeRecordFrom("customer", {
      id: "c1",
      first_name: "Kari",
      last_name: "Nordmann",
      email: " Kari@Example.NO ",
      updated_at: 1_700_000_000,
      deleted: true,
      relationship: { parent_id: "p1" },
    });
    assert.deepEqual(
      [record.system, record.entity, record.sourceId, record.email, record.name, record.parentId, record.deleted],
      ["chargebee", "customer", "c1", "kari@example.no", "Kari Nordmann", "p1", true],
    );
    assert.equal(record.sourceChangedAt?.toISOString(), "2023-11-14T22:13:20.000Z");
    assert.equal(chargebeeRecordFrom("customer", { id: "c2", company: "Acme AS", first_name: "X" }).name, "Acme AS");
  });

  test("items, prices, orders: names and parents; status deleted counts as deleted", () => {
    assert.deepEqual(
      [
        chargebeeRecordFrom("item", { id: "i", name: "Kaffe", item_family_id: "f", status: "deleted" }).deleted,
        chargebeeRecordFrom("item", { id: "i", name: "Kaffe", item_family_id: "f" }).parentId,
      ],
      [true, "f"],
    );
    assert.equal(chargebeeRecordFrom("item_price", { id: "p", name: "Kaffe NOK", item_id: "i" }).parentId, "i");
    assert.equal(chargebeeRecordFrom("order", { id: "o", customer_id: "c", document_number: "SO-1" }).name, "SO-1");
    assert.throws(() => chargebeeRecordFrom("customer", { first_name: "no id" }), /without an id/);
  });

  test("rows to the SDK schemas' column form", () => {
    assert.deepEqual(toColumns([{ id: "a", status: "x" }, { id: "b" }]), { id: ["a", "b"], status: ["x"] });
  });
});
