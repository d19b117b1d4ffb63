import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiKeyAuthenticator, authorize, isLoopbackHost, presentedKey, ANONYMOUS_DEVELOPER, LOCAL_INTEGRATOR_KEY } from "./auth.js";

const keys = [
  { name: "analyst", role: "reader" as const, key: "reader-key-0123456789" },
  { name: "erp", role: "integrator" as const, key: "integrator-key-0123456789" },
];

test("the key is read from x-api-key or Authorization: Bearer", () => {
  assert.equal(presentedKey(new Headers({ "x-api-key": " abc " })), "abc");
  assert.equal(presentedKey(new Headers({ authorization: "Bearer  xyz" })), "xyz");
  assert.equal(presentedKey(new Headers({ authorization: "Basic xyz" })), undefined);
  assert.equal(presentedKey(new Headers()), undefined);
});

test("a configured key finds its caller; a wrong or missing key does not", () => {
  const authenticator = new ApiKeyAuthenticator(keys, false);
  assert.deepEqual(authenticator.authenticate(new Headers({ "x-api-key": "integrator-key-0123456789" })), {
    kind: "caller",
    caller: { name: "erp", role: "integrator", anonymous: false },
  });
  assert.deepEqual(authenticator.authenticate(new Headers({ "x-api-key": "integrator-key-012345678" })), {
    kind: "invalid",
  });
  assert.deepEqual(authenticator.authenticate(new Headers()), { kind: "missing" });
});

test("local development mode lets a keyless caller read, but a wrong key is still refused", () => {
  const authenticator = new ApiKeyAuthenticator([], true);
  assert.deepEqual(authenticator.authenticate(new Headers()), { kind: "caller", caller: ANONYMOUS_DEVELOPER });
  assert.deepEqual(authenticator.authenticate(new Headers({ "x-api-key": "anything-at-all-here" })), {
    kind: "invalid",
  });
});

test("queries are open to every caller; mutations need an integrator", () => {
  const reader = { name: "analyst", role: "reader" as const, anonymous: false };
  const integrator = { name: "erp", role: "integrator" as const, anonymous: false };
  assert.equal(authorize(reader, "query"), null);
  assert.equal(authorize(integrator, "mutation"), null);
  assert.equal(authorize(reader, "mutation")?.code, "FORBIDDEN");
  assert.equal(authorize(reader, "mutation")?.status, 403);
  assert.equal(authorize(ANONYMOUS_DEVELOPER, "mutation")?.code, "UNAUTHENTICATED");
  assert.equal(authorize(ANONYMOUS_DEVELOPER, "mutation")?.status, 401);
});

test("loopback hosts", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "::1", "localhost"]) assert.equal(isLoopbackHost(host), true, host);
  for (const host of ["0.0.0.0", "10.0.0.1", "::", "gateway"]) assert.equal(isLoopbackHost(host), false, host);
});

test("the local integrator key is an integrator only in local development mode", () => {
  const local = new ApiKeyAuthenticator([], true).authenticate(new Headers({ "x-api-key": LOCAL_INTEGRATOR_KEY }));
  assert.deepEqual(local, { kind: "caller", caller: { name: "local-integrator", role: "integrator", anonymous: false } });
  const configured = new ApiKeyAuthenticator([{ name: "erp", role: "integrator", key: "a-real-key-0123456789" }], false);
  assert.deepEqual(configured.authenticate(new Headers({ "x-api-key": LOCAL_INTEGRATOR_KEY })), { kind: "invalid" });
});
