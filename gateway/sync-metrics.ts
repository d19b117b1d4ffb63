import type { Knex } from "knex";
import { listSourceHealth } from "../src/sync/index.js";

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function family(name: string, type: "gauge" | "counter", help: string, samples: Array<{ labels?: Record<string, string>; value: number }>): string[] {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const { labels, value } of samples) {
    const text =
      labels && Object.keys(labels).length > 0
        ? `{${Object.entries(labels)
            .map(([key, label]) => `${key}="${escapeLabel(label)}"`)
            .join(",")}}`
        : "";
    lines.push(`${name}${text} ${value}`);
  }
  return lines;
}

/**
 * The sync's state for /metrics, read from the database at scrape time (every process that serves it sees the same
 * numbers): each source's run of failed reads, and whether it reached the alert threshold; runs by status and how
 * the last one ended; open quarantine per flow.
 */
export async function renderSyncMetrics(knex: Knex, options: { readFailureAlertAfter: number }): Promise<string> {
  const [health, runs, last, quarantine] = await Promise.all([
    listSourceHealth(knex),
    knex("sync_runs").groupBy("status").select("status").count({ count: "*" }) as Promise<Array<{ status: string; count: number | string }>>,
    knex("sync_runs").whereNotNull("finished_at").orderBy("finished_at", "desc").first("status", "mode", "finished_at") as Promise<
      { status: string; mode: string; finished_at: Date } | undefined
    >,
    knex("quarantine").where({ status: "open" }).groupBy("flow").select("flow").count({ count: "*" }) as Promise<
      Array<{ flow: string; count: number | string }>
    >,
  ]);
  const lines = [
    ...family(
      "sync_source_consecutive_read_failures",
      "gauge",
      "Runs in a row whose read of this source failed (0 once it reads completely again)",
      health.map((source) => ({ labels: { source: source.source }, value: source.consecutiveFailures })),
    ),
    ...family(
      "sync_source_read_failing",
      "gauge",
      `1 when this source has failed to read in at least SYNC_READ_FAILURE_ALERT_AFTER (${options.readFailureAlertAfter}) runs in a row`,
      health.map((source) => ({ labels: { source: source.source }, value: source.consecutiveFailures >= options.readFailureAlertAfter ? 1 : 0 })),
    ),
    ...family(
      "sync_runs",
      "gauge",
      "Sync runs kept in the database, by status",
      runs.map((row) => ({ labels: { status: row.status }, value: Number(row.count) })),
    ),
    ...family(
      "sync_last_finished_run_info",
      "gauge",
      "1, labelled with how the last finished run ended (status: succeeded, partial, failed, cancelled) and its mode",
      last ? [{ labels: { status: last.status, mode: last.mode }, value: 1 }] : [],
    ),
    ...family(
      "sync_last_finished_run_timestamp_seconds",
      "gauge",
      "When the last finished run ended (Unix time)",
      last ? [{ value: Math.round(new Date(last.finished_at).getTime() / 1000) }] : [],
    ),
    ...family(
      "sync_quarantine_open",
      "gauge",
      "Open quarantine entries (records that cannot sync as they are), by flow",
      quarantine.map((row) => ({ labels: { flow: row.flow }, value: Number(row.count) })),
    ),
  ];
  return `${lines.join("\n")}\n`;
}
