import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "./config.js";
import { ConfigError } from "./env-parsers.js";

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("expected the configuration to be refused");
}

describe("configuration", () => {
  test("nothing set gives the documented defaults: embedded database and both sandboxes", () => {
    const config = loadConfig({});
    assert.equal(config.database.url, undefined);
    assert.match(config.database.dataDir, /\.data$/);
    assert.equal(config.http.port, 4000);
    assert.equal(config.poweroffice.mode, "sandbox");
    assert.equal(config.poweroffice.sandboxPort, 4101);
    assert.equal(config.poweroffice.apiBaseUrl, "http://127.0.0.1:4101/v2");
    assert.equal(config.chargebee.mode, "sandbox");
    assert.equal(config.chargebee.sandboxPort, 4102);
    assert.deepEqual(config.gateway.apiKeys, []);
  });

  test("request limits: the documented defaults, and a limit too small to carry a query is refused", () => {
    const { gateway, chargebee } = loadConfig({});
    assert.deepEqual(
      [gateway.maxBodyBytes, gateway.maxAliases, gateway.maxRootFields, chargebee.webhookMaxBodyBytes],
      [256 * 1024, 15, 20, 1024 * 1024],
    );
    const problems = problemsOf({ GRAPHQL_MAX_BODY_BYTES: "100", CHARGEBEE_WEBHOOK_MAX_BODY_BYTES: "-1", GRAPHQL_MAX_ROOT_FIELDS: "0" });
    assert.equal(problems.length, 3);
    assert.match(problems.join("\n"), /GRAPHQL_MAX_BODY_BYTES must be at least 1024, got 100/);
  });

  test("every bad variable is named, all at once", () => {
    const problems = problemsOf({ PORT: "eighty", CHARGEBEE_SANDBOX_PORT: "70000", DATABASE_URL: "mysql://x", SYNC_PRIORITY: "both" });
    assert.equal(problems.length, 4);
    assert.match(problems.join("\n"), /PORT must be a whole number, got "eighty"/);
    assert.match(problems.join("\n"), /CHARGEBEE_SANDBOX_PORT must be between 1 and 65535, got 70000/);
    assert.match(problems.join("\n"), /DATABASE_URL must start with postgres:\/\//);
    assert.match(problems.join("\n"), /SYNC_PRIORITY must be one of poweroffice, chargebee/);
  });

  test("credentials that only make sense together are refused when half given", () => {
    const problems = problemsOf({ POWEROFFICE_APPLICATION_KEY: "app", POWEROFFICE_CLIENT_KEY: "client" });
    assert.deepEqual(problems, [
      "Connecting to the real PowerOffice Go API needs POWEROFFICE_APPLICATION_KEY, POWEROFFICE_CLIENT_KEY, POWEROFFICE_SUBSCRIPTION_KEY together; missing: POWEROFFICE_SUBSCRIPTION_KEY",
    ]);
  });

  test("real API credentials switch the connectors to the real endpoints", () => {
    const config = loadConfig({
      POWEROFFICE_APPLICATION_KEY: "a",
      POWEROFFICE_CLIENT_KEY: "b",
      POWEROFFICE_SUBSCRIPTION_KEY: "c",
      POWEROFFICE_ENVIRONMENT: "production",
      CHARGEBEE_SITE: "acme-test",
      CHARGEBEE_API_KEY: "test_key",
    });
    assert.equal(config.poweroffice.mode, "remote");
    assert.equal(config.poweroffice.apiBaseUrl, "https://goapi.poweroffice.net/v2");
    assert.equal(config.poweroffice.tokenUrl, "https://goapi.poweroffice.net/OAuth/Token");
    assert.equal(config.chargebee.mode, "remote");
    assert.equal(config.chargebee.site, "acme-test");
  });

  test("API_KEYS entries are parsed and checked without echoing a key", () => {
    const config = loadConfig({ API_KEYS: "dash:reader:0123456789abcdef01, ci:integrator:fedcba9876543210fe" });
    assert.deepEqual(
      config.gateway.apiKeys.map(({ name, role }) => [name, role]),
      [
        ["dash", "reader"],
        ["ci", "integrator"],
      ],
    );
    const problems = problemsOf({ API_KEYS: "x:admin:supersecretvalue-123456,y:reader:short,broken" });
    assert.equal(problems.length, 3);
    assert.match(problems[0]!, /role "admin"; roles are reader, integrator/);
    assert.match(problems[1]!, /shorter than 16 characters/);
    assert.match(problems[2]!, /must look like name:role:key/);
    for (const problem of problems) {
      assert.doesNotMatch(problem, /supersecretvalue|short\b/);
    }
  });

  test("a password in DATABASE_URL never appears in an error", () => {
    const problems = problemsOf({ POWEROFFICE_API_BASE_URL: "not a url", DATABASE_URL: "postgres://u:hunter2@db/app", PORT: "-1" });
    assert.doesNotMatch(problems.join("\n"), /hunter2/);
  });
});
