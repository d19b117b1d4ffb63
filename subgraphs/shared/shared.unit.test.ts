import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { GraphQLError } from "graphql";
import { pino } from "pino";
import { Writable } from "node:stream";
import { SyncCommandError } from "../../src/sync/model/errors.js";
import { createErrorFormatter, INTERNAL_MESSAGE, clientError } from "./errors.js";
import { decodeCursor, encodeCursor, pageSize } from "./pagination.js";
import { secretMatches } from "./secret.js";
import { isoDate, parseTimestamp, read } from "./json-fields.js";

function captureLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

/** What Apollo hands formatError for an error thrown in a resolver: a GraphQLError wrapping the original. */
function fromResolver(error: Error): GraphQLError {
  return new GraphQLError(error.message, { path: ["field"], originalError: error });
}

describe("error formatter", () => {
  test("client errors keep their message and code, without a stack trace", () => {
    const { logger, lines } = captureLogger();
    const format = createErrorFormatter(logger, "link");
    const error = clientError("NOT_FOUND", "Conflict 9 does not exist");
    const formatted = format({ message: error.message, extensions: { code: "NOT_FOUND", stacktrace: ["at x"] } }, fromResolver(error));
    assert.deepEqual(formatted.extensions, { code: "NOT_FOUND" });
    assert.equal(formatted.message, "Conflict 9 does not exist");
    assert.equal(lines.length, 0);
  });

  test("sync command errors become GraphQL errors with their code", () => {
    const format = createErrorFormatter(captureLogger().logger, "link");
    const error = new SyncCommandError("CONFLICT", "PowerOffice ContactPerson 1 is already linked in F1; unlink it first");
    const formatted = format({ message: error.message }, fromResolver(error));
    assert.deepEqual(formatted.extensions, { code: "CONFLICT" });
    assert.match(formatted.message, /unlink it first/);
  });

  test("anything else is logged and reaches the client as INTERNAL_SERVER_ERROR with a generic message", () => {
    const { logger, lines } = captureLogger();
    const format = createErrorFormatter(logger, "poweroffice");
    const error = new Error('relation "secret_table" does not exist');
    const formatted = format({ message: error.message, extensions: { code: "INTERNAL_SERVER_ERROR", stacktrace: ["at db"] } }, fromResolver(error));
    assert.deepEqual(formatted, { message: INTERNAL_MESSAGE, locations: undefined, path: undefined, extensions: { code: "INTERNAL_SERVER_ERROR" } });
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /secret_table/);
  });

  test("GraphQL validation errors pass through with their code", () => {
    const format = createErrorFormatter(captureLogger().logger, "link");
    const error = new GraphQLError('Cannot query field "nope" on type "Query".', { extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
    assert.equal(
      format({ message: error.message, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }, error).extensions?.code,
      "GRAPHQL_VALIDATION_FAILED",
    );
  });
});

describe("cursors and page sizes", () => {
  test("a cursor round-trips its keys; anything else is BAD_USER_INPUT", () => {
    const cursor = encodeCursor([5, "105"]);
    assert.deepEqual(decodeCursor(cursor, ["number", "text"]), [5, "105"]);
    for (const bad of [
      "nonsense",
      encodeCursor([1]),
      encodeCursor([{ a: 1 }, 2]),
      encodeCursor(["5", "105"]),
      encodeCursor([1.5, "x"]),
      Buffer.from("{").toString("base64url"),
    ]) {
      assert.throws(
        () => decodeCursor(bad, ["number", "text"]),
        (error: GraphQLError) => error.extensions.code === "BAD_USER_INPUT",
      );
    }
  });

  test("first: default 50, 0 to 1000 allowed", () => {
    assert.equal(pageSize(undefined), 50);
    assert.equal(pageSize(0), 0);
    assert.equal(pageSize(1000), 1000);
    assert.throws(() => pageSize(-1));
    assert.throws(() => pageSize(1001));
  });
});

describe("shared secret and JSON fields", () => {
  test("the secret matches only exactly", () => {
    assert.equal(secretMatches("s3cret-value", "s3cret-value"), true);
    assert.equal(secretMatches("s3cret-valu", "s3cret-value"), false);
    assert.equal(secretMatches(undefined, "s3cret-value"), false);
    assert.equal(secretMatches("", "s3cret-value"), false);
  });

  test("PowerOffice fields are read in either casing; .NET timestamps with 7 digits parse", () => {
    assert.equal(read({ emailAddress: "a@b.no" }, "EmailAddress"), "a@b.no");
    assert.equal(
      isoDate({ LastChangedDateTimeOffset: "2026-11-01T10:00:00.1234567+00:00" }, "LastChangedDateTimeOffset")?.toISOString(),
      "2026-11-01T10:00:00.123Z",
    );
    assert.equal(parseTimestamp("2021-09-25 08:03:00.123456+00:00")?.toISOString(), "2021-09-25T08:03:00.123Z");
    assert.equal(parseTimestamp("not a date"), null);
  });
});
