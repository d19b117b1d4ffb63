// What `npm run sync` prints: a progress line (a bar on a terminal), the summary table and a dry run's plan.
// Written here rather than taken from a library: one line of progress and one table are a few dozen lines.
import {
  VENDOR_NAMES,
  estimateText,
  rateText,
  waitReasonText,
  type DryRunPlan,
  type PlannedWrite,
  type RunReport,
  type RunWaits,
  type SyncRunRow,
  type Vendor,
  type VendorWaitView,
} from "../sync/index.js";

const number = new Intl.NumberFormat("en-US");

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function shortId(id: string): string {
  return id.slice(0, 8);
}

function phaseText(run: SyncRunRow): string {
  const detail = run.detail;
  if (run.status === "queued" && detail.waitingFor) {
    return `waiting for run ${shortId(detail.waitingFor.runId)} (flows ${detail.waitingFor.flows.join(", ")}) to finish: runs over the same records never run at once`;
  }
  if (run.status === "queued") return "queued, waiting for a worker";
  if (detail.phase === "reading") return "reading changes from both APIs";
  if (detail.phase === "planning") return "planning";
  if (detail.phase === "processing" && detail.stages && detail.stage !== undefined) {
    return `stage ${detail.stage + 1}/${detail.stages.length} (${detail.stages[detail.stage]?.flows.join(", ")})`;
  }
  return run.status;
}

function countsText(run: SyncRunRow): string {
  const c = run.counts;
  const extra = `${c.waiting > 0 ? ` · waiting ${c.waiting}` : ""}${c.errors > 0 ? ` · errors ${c.errors}` : ""}`;
  return `created ${number.format(c.created)} · updated ${number.format(c.updated)} · unchanged ${number.format(c.unchanged)} · conflicts ${c.conflicts} · quarantined ${c.quarantined}${extra} · API calls ${number.format(c.apiCalls)}`;
}

/** A time of day on this machine's clock: "14:03:12". */
export function localTimeText(at: Date): string {
  return at.toTimeString().slice(0, 8);
}

/** What the calls wait for, as the progress line says it: "waiting for Chargebee's budget (150 requests/min) since …: 84 calls left, about 34 s". */
export function vendorWaitText(wait: VendorWaitView, timeText: (at: Date) => string = localTimeText): string {
  const vendor = VENDOR_NAMES[wait.vendor];
  const what =
    wait.reason === "rate" && wait.rate
      ? `${vendor}'s budget (${rateText(wait.rate, "short")}) since ${timeText(wait.since)}`
      : wait.reason === "retry-after"
        ? `${vendor} since ${timeText(wait.since)}: it answered 429, retrying at ${wait.retryAt ? timeText(wait.retryAt) : "the end of its pause"}`
        : `${waitReasonText(wait, timeText)} since ${timeText(wait.since)}`;
  const left = `${number.format(wait.callsLeft)} call${wait.callsLeft === 1 ? "" : "s"} left`;
  const seconds = wait.expectedSecondsLeft;
  const time = seconds === null ? "" : seconds < 1 ? ", less than a second" : `, about ${estimateText(seconds)}`;
  return `waiting for ${what}${wait.reason === "retry-after" ? ";" : ":"} ${left}${time}`;
}

/** Everything the run waits for now, joined; empty when nothing waits. */
export function waitsText(waits: RunWaits | undefined, run: SyncRunRow, timeText: (at: Date) => string = localTimeText): string {
  if (!waits) return "";
  const parts = waits.waitingOn.map((wait) => vendorWaitText(wait, timeText));
  const next = waits.stageWaiting;
  if (next) {
    const total = run.detail.stages?.length ?? next.stage + 1;
    const needs = next.needs.length > 0 ? ` (needs ${next.needs.join(", ")})` : "";
    parts.push(`stage ${next.stage + 1}/${total} (${next.flows.join(", ")}) waits for this stage${needs}`);
  }
  return parts.join(" · ");
}

/**
 * One line of progress: with `width` a bar of that many characters (terminal), else plain text. What the run waits
 * for comes right after the stage, before the counts, so a terminal's width cuts the counts rather than the wait.
 */
export function progressLine(
  run: SyncRunRow,
  elapsedMs: number,
  width?: number,
  waits?: RunWaits,
  timeText: (at: Date) => string = localTimeText,
): string {
  const total = run.batchesTotal;
  const fraction = total > 0 ? run.batchesDone / total : 0;
  const batches = total > 0 ? `batches ${run.batchesDone}/${total}` : "";
  const waiting = waitsText(waits, run, timeText);
  if (width !== undefined) {
    const filled = Math.round(fraction * width);
    const bar = `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%`;
    return `${bar} ${phaseText(run)} ${batches ? `· ${batches} ` : ""}${waiting ? `· ${waiting} ` : ""}· ${countsText(run)} · ${formatDuration(elapsedMs)}`;
  }
  return `${formatDuration(elapsedMs)}: ${phaseText(run)}${batches ? `, ${batches}` : ""}${waiting ? ` · ${waiting}` : ""}; ${countsText(run)}`;
}

/** A plain text table; numbers right-aligned. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((cell, index) => Math.max(cell.length, ...rows.map((row) => row[index]?.length ?? 0)));
  const isNumeric = (index: number) => index > 0;
  const line = (cells: string[]) =>
    cells
      .map((cell, index) => (isNumeric(index) ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const FLOW_TITLES: Record<string, string> = {
  read: "reading both APIs",
  total: "total",
};

/**
 * The summary: per flow seen/created/updated/deleted/unchanged/conflicts/quarantined (waiting and errors when any),
 * API calls, duration; then how the run ended and what it missed, which runs it waited for and what they did, and
 * what is in quarantine for its flows now.
 */
export function renderSummary(report: RunReport, titles: Record<string, string> = {}): string {
  const withWaiting = report.rows.some((row) => row.counts.waiting > 0);
  const withErrors = report.rows.some((row) => row.counts.errors > 0);
  const header = ["Flow", "Seen", "Created", "Updated", "Deleted", "Unchanged", "Conflicts", "Quarantined"];
  if (withWaiting) header.push("Waiting");
  if (withErrors) header.push("Errors");
  header.push("API calls", "Duration");
  const rows = report.rows.map((row) => {
    const title =
      FLOW_TITLES[row.label] ??
      (row.label.includes("+") ? `${row.label} (records decided together)` : titles[row.label] ? `${row.label} ${titles[row.label]}` : row.label);
    const c = row.counts;
    const values = [c.seen, c.created, c.updated, c.deleted, c.unchanged, c.conflicts, c.quarantined];
    if (withWaiting) values.push(c.waiting);
    if (withErrors) values.push(c.errors);
    values.push(c.apiCalls);
    return [title, ...values.map((value) => number.format(value)), formatDuration(row.durationMs)];
  });
  const run = report.run;
  const kind = run.mode === "dry-run" ? "dry run " : "";
  const outcome =
    run.status === "succeeded"
      ? `Sync ${kind}succeeded`
      : run.status === "partial"
        ? `Sync ${kind}finished partial`
        : `Sync ${kind}${run.status}${run.error ? `: ${run.error}` : ""}`;
  const lines = [renderTable(header, rows), "", `${outcome} (run ${run.id}, ${run.mode}, flows ${run.flows.join(", ")}).`];
  for (const problem of run.detail.read?.incomplete ?? []) {
    lines.push(`- Not read completely: ${problem.source}: ${problem.reason}. The next run reads it again; nothing was deleted for it.`);
  }
  if (run.counts.errors > 0) {
    lines.push(
      `- ${run.counts.errors} record(s) were left for the next run after errors that were not theirs (network, 5xx, 429); the log names each.`,
    );
  }
  for (const source of run.detail.read?.recovered ?? []) lines.push(`- Read completely again: ${source} (it had failed in earlier runs).`);
  if (run.counts.waiting > 0) {
    lines.push(
      `- ${run.counts.waiting} record(s) wait for a record they refer to (an order's customer or product) that is not synced yet; they are tried again on the next run.`,
    );
  }
  for (const { wait, run: other } of report.waited) {
    const waitedMs = wait.until ? Date.parse(wait.until) - Date.parse(wait.since) : null;
    const did = other
      ? `it ${other.status}: created ${number.format(other.counts.created)}, updated ${number.format(other.counts.updated)}, quarantined ${number.format(other.counts.quarantined)}`
      : "it is gone";
    lines.push(
      `- Waited ${formatDuration(waitedMs)} for run ${wait.runId} (flows ${wait.flows.join(", ")}) before starting; ${did} (npm run sync -- --run ${wait.runId}).`,
    );
  }
  for (const [vendor, ms] of Object.entries(report.budgetWaited) as Array<[Vendor, number]>) {
    lines.push(
      `- Waited ${formatDuration(ms)} in total on ${VENDOR_NAMES[vendor]}'s request budget (its rate, its requests at once and any 429 pauses).`,
    );
  }
  if (report.openQuarantine.length > 0) {
    const total = report.openQuarantine.reduce((sum, entry) => sum + entry.count, 0);
    const perFlow = report.openQuarantine.map((entry) => `${entry.flow} ${number.format(entry.count)}`).join(", ");
    lines.push(
      `- In quarantine now for these flows (from this run or earlier ones): ${number.format(total)} (${perFlow}); see the quarantine query in GraphQL.`,
    );
  }
  return lines.join("\n");
}

function describeWrite(write: PlannedWrite): string {
  const fields =
    write.fields && Object.keys(write.fields).length > 0
      ? ` ${Object.entries(write.fields)
          .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
          .join(", ")}`
      : "";
  return `  ${write.flow}  ${write.system} ${write.entity} ${write.id}  ← ${write.source.system} ${write.source.entity} ${write.source.id}${fields}`;
}

const ACTION_ORDER: Array<PlannedWrite["action"]> = ["create", "update", "delete", "link"];
const ACTION_VERB: Record<PlannedWrite["action"], string> = { create: "create", update: "update", delete: "delete", link: "link (no write)" };

/** What a dry run would do, per action, at most `limit` lines each (0 = all). */
export function renderPlan(plan: DryRunPlan, limit: number): string {
  const lines: string[] = [];
  const totals = ACTION_ORDER.map((action) => `${plan.writes.filter((w) => w.action === action).length} ${ACTION_VERB[action]}`);
  lines.push(`Dry run: nothing was written. It would: ${totals.join(", ")}; quarantine ${plan.quarantined.length}.`);
  for (const action of ACTION_ORDER) {
    const writes = plan.writes.filter((write) => write.action === action);
    if (writes.length === 0) continue;
    lines.push("", `Would ${ACTION_VERB[action]} (${writes.length}):`);
    const shown = limit === 0 ? writes : writes.slice(0, limit);
    lines.push(...shown.map(describeWrite));
    if (shown.length < writes.length) lines.push(`  … and ${writes.length - shown.length} more (--limit 0 shows all)`);
  }
  if (plan.quarantined.length > 0) {
    lines.push("", `Would quarantine (${plan.quarantined.length}):`);
    const shown = limit === 0 ? plan.quarantined : plan.quarantined.slice(0, limit);
    lines.push(...shown.map((q) => `  ${q.flow}  ${q.entity} ${q.id}: ${q.reason}`));
    if (shown.length < plan.quarantined.length) lines.push(`  … and ${plan.quarantined.length - shown.length} more (--limit 0 shows all)`);
  }
  return lines.join("\n");
}
