/**
 * The offline IDE in a real browser: Debian's chromium, driven by playwright-core, opens the gateway's GraphiQL,
 * runs a query, sees its result, and every request it made went to the gateway on loopback.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { loadConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logging/logger.js";
import { startGateway, type RunningGateway } from "../../gateway/index.js";
import { startTinySubgraphs, type TinySubgraph } from "../../gateway/test-support/tiny-subgraphs.js";

const CHROMIUM = "/usr/bin/chromium";
const SECRET = "browser-test-secret-0123456789abcdef";
const READER_KEY = "browser-reader-key-0123456789";
const skip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is not installed (apt-get install -y chromium; CI installs it because .ci/browser-deps exists)`;

let subgraphs: TinySubgraph[] = [];
let gateway: RunningGateway | undefined;
let context: BrowserContext | undefined;
let profile: string | undefined;

before(async () => {
  if (skip) return;
  subgraphs = await startTinySubgraphs(SECRET);
  gateway = await startGateway({
    config: loadConfig({ HOST: "127.0.0.1", PORT: "0", API_KEYS: `analyst:reader:${READER_KEY}` }),
    subgraphs,
    logger: silentLogger,
    subgraphSecret: SECRET,
  });
  profile = mkdtempSync(path.join(tmpdir(), "ide-browser-"));
  // A fresh profile (user data dir) per run: nothing cached or remembered from another run.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await context?.close();
  await gateway?.close();
  await Promise.all(subgraphs.map((s) => s.close()));
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test("the IDE opens offline, runs a query with an API key and shows the result", { skip, timeout: 120_000 }, async () => {
  const requested: string[] = [];
  context!.on("request", (request) => requested.push(request.url()));
  const page = await context!.newPage();
  await page.goto(gateway!.ideUrl, { waitUntil: "load" });
  assert.equal(await page.title(), "PowerOffice Go ⇄ Chargebee · GraphQL");

  // The headers editor starts with the key to fill in; replace its content with the reader key.
  await page.getByText("Headers", { exact: true }).first().click();
  const headersEditor = page.locator(".graphiql-editor-tool .graphiql-editor").last();
  await headersEditor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(JSON.stringify({ "x-api-key": READER_KEY }));

  const queryEditor = page.locator(".graphiql-query-editor .graphiql-editor, .graphiql-query-editor").first();
  await queryEditor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText('{ person(id: "p1") { name balance } }');
  await page.locator("button.graphiql-execute-button").click();

  const response = page.locator(".graphiql-response");
  await response.getByText("Ada Lovelace").waitFor({ timeout: 30_000 });
  // The result editor renders spaces as no-break spaces; the text is otherwise the JSON answer.
  const shown = JSON.parse((await response.innerText()).replace(/\u00a0/g, " "));
  assert.deepEqual(shown, { data: { person: { name: "Ada Lovelace", balance: 120 } } });

  const gatewayOrigin = new URL(gateway!.url).origin;
  const offLocal = requested.filter((url) => {
    if (url.startsWith("data:") || url.startsWith("blob:")) return false;
    return new URL(url).origin !== gatewayOrigin;
  });
  assert.deepEqual(offLocal, [], "every request went to the gateway on loopback");
  assert.ok(
    requested.some((url) => url.startsWith(`${gatewayOrigin}/graphql`)),
    "the IDE talked to the gateway",
  );
  await page.close();
});
