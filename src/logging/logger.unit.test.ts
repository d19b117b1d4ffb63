import { test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { pino } from "pino";
import { REDACTED_PATHS } from "./logger.js";

test("secrets in logged objects are redacted", () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, sink);
  logger.info(
    {
      config: { apiKey: "cb_live_secret", clientKey: "po-client-secret", databaseUrl: "postgres://u:pw@h/db" },
      request: { headers: { authorization: "Bearer abc.def", "ocp-apim-subscription-key": "sub-secret" } },
      token: "tok",
    },
    "connecting",
  );
  const output = lines.join("");
  for (const secret of ["cb_live_secret", "po-client-secret", "u:pw@", "abc.def", "sub-secret", '"tok"']) {
    assert.ok(!output.includes(secret), `${secret} leaked into: ${output}`);
  }
  assert.match(output, /\[redacted\]/);
  assert.match(output, /connecting/);
});
