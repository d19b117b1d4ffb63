import fs from "node:fs";
import path from "node:path";
import { DAMAGED_STATE_ADVICE, SavedStateError } from "./errors.js";
import { parseJsonLine, splitLines, writeAll } from "./json-lines.js";

export const SNAPSHOT_VERSION = 1;

export interface SnapshotHeader {
  /** e.g. "poweroffice-sandbox-state": a snapshot of one sandbox is never read as the other's. */
  format: string;
  version: number;
  savedAt: string;
  /** The number of the last journal change the snapshot holds; later ones are replayed on top of it. */
  journalSeq: number;
  /** The sandbox's own facts: seed, size, counters. */
  meta: unknown;
}

const CHUNK_BYTES = 1 << 20;

/**
 * Writes a snapshot as JSON lines (a header, one line per item, an end line with the count) to a temporary file,
 * flushes it to the disk and renames it over the old one: a crash leaves the old snapshot or the new, never half.
 * Returns the bytes written.
 */
export function writeSnapshot(paths: { snapshot: string; snapshotTemp: string }, header: SnapshotHeader, items: Iterable<unknown>): number {
  const fd = fs.openSync(paths.snapshotTemp, "w");
  let written = 0;
  try {
    let pending: string[] = [`${JSON.stringify(header)}\n`];
    let pendingLength = pending[0]!.length;
    const flush = () => {
      written += writeAll(fd, Buffer.from(pending.join(""), "utf8"), fs.writeSync);
      pending = [];
      pendingLength = 0;
    };
    let count = 0;
    for (const item of items) {
      const line = `${JSON.stringify(item)}\n`;
      pending.push(line);
      pendingLength += line.length;
      count += 1;
      if (pendingLength >= CHUNK_BYTES) flush();
    }
    pending.push(`${JSON.stringify({ end: count })}\n`);
    flush();
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(paths.snapshotTemp, paths.snapshot);
  syncDirectory(path.dirname(paths.snapshot));
  return written;
}

/** Reads a snapshot, handing each item to `onItem`; undefined when there is none. Damage fails naming the file. */
export function readSnapshot(
  file: string,
  format: string,
  onHeader: (header: SnapshotHeader) => void,
  onItem: (item: unknown, line: number) => void,
): { header: SnapshotHeader; bytes: number } | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const damaged = (what: string) => new SavedStateError(`${file} ${what}: the file is damaged. ${DAMAGED_STATE_ADVICE}.`, file);
  let header: SnapshotHeader | undefined;
  let count = 0;
  let ended = false;
  for (const line of splitLines(bytes)) {
    if (ended) throw damaged(`has lines after its end line (line ${line.number})`);
    const parsed = parseJsonLine(line.text);
    if (!line.complete || parsed === undefined) throw damaged(`line ${line.number} is not complete JSON`);
    if (!header) {
      header = checkHeader(parsed, file, format);
      onHeader(header);
      continue;
    }
    const end = endCount(parsed);
    if (end !== undefined) {
      if (end !== count) throw damaged(`ends after ${count} items but says it holds ${end}`);
      ended = true;
      continue;
    }
    count += 1;
    onItem(parsed, line.number);
  }
  if (!header) throw damaged("is empty");
  if (!ended) throw damaged("has no end line (it was cut short)");
  return { header, bytes: bytes.length };
}

function checkHeader(value: unknown, file: string, format: string): SnapshotHeader {
  const header = value as Partial<SnapshotHeader>;
  if (typeof value !== "object" || value === null || header.format !== format) {
    throw new SavedStateError(`${file} is not a ${format} snapshot. ${DAMAGED_STATE_ADVICE}.`, file);
  }
  if (header.version !== SNAPSHOT_VERSION) {
    throw new SavedStateError(
      `${file} was saved in format version ${String(header.version)}; this version reads ${SNAPSHOT_VERSION}. Run npm run db:reset to start afresh.`,
      file,
    );
  }
  if (!Number.isSafeInteger(header.journalSeq)) throw new SavedStateError(`${file} has no journalSeq in its header. ${DAMAGED_STATE_ADVICE}.`, file);
  return header as SnapshotHeader;
}

function endCount(value: unknown): number | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const end = (value as { end?: unknown }).end;
  return keys.length === 1 && typeof end === "number" ? end : undefined;
}

/** Makes a rename durable: the directory entry reaches the disk. */
function syncDirectory(directory: string): void {
  const fd = fs.openSync(directory, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
