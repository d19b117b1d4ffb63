import fs from "node:fs";
import { DAMAGED_STATE_ADVICE, SavedStateError } from "./errors.js";
import { parseJsonLine, splitLines, writeAll } from "./json-lines.js";

export interface JournalEntry {
  /** The change's number: one more than the previous, continuing across snapshots. */
  n: number;
  change: unknown;
}

export interface JournalContents {
  entries: JournalEntry[];
  /** An incomplete last line was dropped (its write never finished, so it was never answered). */
  droppedTail: boolean;
}

/**
 * The changes made since the last snapshot, one JSON line each: {"n": 12, "c": {...}}. A line is appended with one
 * write and flushed to the disk (fdatasync) before the sandbox answers the request that made the change.
 */
export class JournalFile {
  private constructor(
    readonly path: string,
    private fd: number,
    private size: number,
  ) {}

  /**
   * Reads the journal, truncating an incomplete last line (a write a crash cut short). Any other damage fails
   * with the file and line named.
   */
  static read(path: string): JournalContents {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { entries: [], droppedTail: false };
      throw error;
    }
    const entries: JournalEntry[] = [];
    let goodBytes = 0;
    let droppedTail = false;
    for (const line of splitLines(bytes)) {
      if (!line.complete) {
        droppedTail = true;
        break;
      }
      const parsed = parseJsonLine(line.text);
      if (!isEntry(parsed)) {
        throw new SavedStateError(`${path}, line ${line.number}, is not a saved change: the file is damaged. ${DAMAGED_STATE_ADVICE}.`, path);
      }
      const previous = entries[entries.length - 1];
      if (previous && parsed.n !== previous.n + 1) {
        throw new SavedStateError(
          `${path}, line ${line.number}: change ${parsed.n} follows change ${previous.n}; changes are missing. ${DAMAGED_STATE_ADVICE}.`,
          path,
        );
      }
      entries.push({ n: parsed.n, change: parsed.c });
      goodBytes = line.end;
    }
    if (droppedTail) fs.truncateSync(path, goodBytes);
    return { entries, droppedTail };
  }

  static open(path: string): JournalFile {
    const fd = fs.openSync(path, "a");
    return new JournalFile(path, fd, fs.fstatSync(fd).size);
  }

  get bytes(): number {
    return this.size;
  }

  /** Appends one change and waits until the disk has it. */
  append(n: number, change: unknown): void {
    const line = Buffer.from(`${JSON.stringify({ n, c: change })}\n`, "utf8");
    this.size += writeAll(this.fd, line, fs.writeSync);
    fs.fdatasyncSync(this.fd);
  }

  /** Empties the journal once a snapshot holds its changes. */
  truncate(): void {
    fs.ftruncateSync(this.fd, 0);
    fs.fdatasyncSync(this.fd);
    this.size = 0;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function isEntry(value: unknown): value is { n: number; c: unknown } {
  return typeof value === "object" && value !== null && Number.isSafeInteger((value as { n?: unknown }).n) && "c" in value;
}
