import type { AppConfig } from "../config/config.js";
import { LOCAL_INTEGRATOR_KEY } from "../../gateway/auth.js";

export interface StartBannerFacts {
  config: AppConfig;
  databaseLocation: string;
  gatewayUrl: string;
  ideUrl: string;
  sandboxes: string[];
  firstRunId: string;
  webhookUrl?: string;
}

/** What `npm start` started and where, printed once everything answers. Printed plainly, for people. */
export function printStartBanner(facts: StartBannerFacts): void {
  const { config } = facts;
  const open = config.gateway.apiKeys.length === 0;
  const lines = [
    "",
    "PowerOffice Go ⇄ Chargebee gateway is running",
    "",
    `  GraphQL IDE             ${facts.ideUrl}   (open it in a browser)`,
    `  GraphQL endpoint        ${facts.gatewayUrl}/graphql`,
    `  Health / readiness      ${facts.gatewayUrl}/healthz   ${facts.gatewayUrl}/readyz`,
    `  Metrics                 ${facts.gatewayUrl}/metrics`,
    ...(facts.webhookUrl ? [`  Chargebee webhooks      ${facts.webhookUrl}`] : []),
    `  Database                ${facts.databaseLocation}`,
    ...facts.sandboxes.map((line) => `  ${line}`),
    `  Sync                    first run ${facts.firstRunId} queued; incremental sync every ${config.sync.pollIntervalSeconds || "—"} s`,
    "",
    open
      ? "  Local development mode: queries need no API key on this loopback address. Mutations (runSync, link, …) take the\n" +
        `  local integrator key: send the header x-api-key: ${LOCAL_INTEGRATOR_KEY} (the IDE does). Set API_KEYS to leave this mode.`
      : "  Send your API key as the x-api-key header (readers may query; integrators may also run mutations).",
    "  Stop with Ctrl+C.",
    "",
  ];
  console.log(lines.join("\n"));
}
