import fs from "node:fs";
import type { Logger } from "../../logging/logger.js";
import { DAMAGED_STATE_ADVICE, SavedStateError } from "./errors.js";
import { JournalFile } from "./journal-file.js";
import { readSnapshot, SNAPSHOT_VERSION, writeSnapshot } from "./snapshot-file.js";
import { lockSavedState } from "./state-lock.js";
import { stateFilePaths, type StateFilePaths } from "./state-paths.js";

/** A sandbox's whole state: its own facts (seed, size, counters) and its records, one item per snapshot line. */
export interface StateSnapshot {
  meta: unknown;
  items: Iterable<unknown>;
}

/** How a sandbox rebuilds itself from saved state. Each may throw; the error is reported with the file and line. */
export interface SavedStateReader {
  meta(meta: unknown): void;
  item(item: unknown): void;
  change(change: unknown): void;
}

export interface SavedStateOptions {
  directory: string;
  /** Names the files (poweroffice.snapshot.jsonl, …) and the snapshot format (poweroffice-sandbox-state). */
  name: string;
  /** For messages: "PowerOffice Go sandbox". */
  title: string;
  logger: Logger;
  /** The whole current state. */
  snapshot: () => StateSnapshot;
  /** What changed since the last call, as one journal entry, or undefined when nothing did. */
  takeChanges: () => unknown;
}

export interface LoadResult {
  /** false: there was no saved state (the sandbox seeds and saves). */
  restored: boolean;
  /** Journal changes replayed on top of the snapshot. */
  replayed: number;
  droppedIncompleteChange: boolean;
}

/** The journal is folded into a new snapshot once it is larger than the snapshot (and than this). */
const MIN_JOURNAL_BYTES_BEFORE_COMPACTION = 4 << 20;

/**
 * A sandbox's state kept under a directory: a snapshot and a journal of the changes since. Every change reaches the
 * journal, flushed to the disk, before the request that made it is answered; the journal is folded into a new
 * snapshot (written aside and renamed) when it grows and when the sandbox closes. A start reads the snapshot and
 * replays the journal.
 */
export class SavedState {
  readonly files: StateFilePaths;
  private journal?: JournalFile;
  private lastSeq = 0;
  private snapshotBytes = 0;
  private failure?: SavedStateError;
  private flushQueued = false;
  private closed = false;

  private constructor(
    private readonly options: SavedStateOptions,
    private readonly releaseLock: () => void,
  ) {
    this.files = stateFilePaths(options.directory, options.name);
  }

  /** Takes the directory for this sandbox (one process at a time). */
  static open(options: SavedStateOptions): SavedState {
    fs.mkdirSync(options.directory, { recursive: true });
    const release = lockSavedState(stateFilePaths(options.directory, options.name).lock, options.title);
    return new SavedState(options, release);
  }

  private get format(): string {
    return `${this.options.name}-sandbox-state`;
  }

  /** Rebuilds the saved state through `reader`. Call once, before any change. */
  load(reader: SavedStateReader): LoadResult {
    try {
      return this.loadFiles(reader);
    } catch (error) {
      this.release();
      throw error;
    }
  }

  private loadFiles(reader: SavedStateReader): LoadResult {
    const { snapshot, snapshotTemp, journal } = this.files;
    // Left by a crash while a snapshot was written; the snapshot it was to replace is whole.
    fs.rmSync(snapshotTemp, { force: true });
    const lineError = (file: string, line: number, error: unknown) =>
      error instanceof SavedStateError
        ? error
        : new SavedStateError(`${file}, line ${line}: ${(error as Error).message}. ${DAMAGED_STATE_ADVICE}.`, file);
    const read = readSnapshot(
      snapshot,
      this.format,
      (header) => {
        try {
          reader.meta(header.meta);
        } catch (error) {
          throw lineError(snapshot, 1, error);
        }
      },
      (item, line) => {
        try {
          reader.item(item);
        } catch (error) {
          throw lineError(snapshot, line, error);
        }
      },
    );
    const contents = JournalFile.read(journal);
    if (contents.droppedTail) {
      this.options.logger.warn(
        { file: journal },
        `${this.options.title}: dropped an incomplete last change from its journal (a crash cut its write short, so it was never answered)`,
      );
    }
    if (!read) {
      if (contents.entries.length > 0) {
        throw new SavedStateError(`${journal} holds changes but ${snapshot}, the state they apply to, is missing. ${DAMAGED_STATE_ADVICE}.`, journal);
      }
      this.journal = JournalFile.open(journal);
      return { restored: false, replayed: 0, droppedIncompleteChange: contents.droppedTail };
    }
    this.snapshotBytes = read.bytes;
    this.lastSeq = read.header.journalSeq;
    let replayed = 0;
    contents.entries.forEach((entry, index) => {
      // Changes up to journalSeq are in the snapshot already (a crash came between the rename and the truncation).
      if (entry.n <= this.lastSeq) return;
      if (entry.n !== this.lastSeq + 1) {
        throw new SavedStateError(
          `${journal}, line ${index + 1}: change ${entry.n} does not follow the snapshot's last change ${this.lastSeq}. ${DAMAGED_STATE_ADVICE}.`,
          journal,
        );
      }
      try {
        reader.change(entry.change);
      } catch (error) {
        throw lineError(journal, index + 1, error);
      }
      this.lastSeq = entry.n;
      replayed += 1;
    });
    this.journal = JournalFile.open(journal);
    return { restored: true, replayed, droppedIncompleteChange: contents.droppedTail };
  }

  /** Replaces the saved state with the current state (after seeding, or a reset). */
  rewrite(): void {
    this.guard(() => this.writeSnapshot());
  }

  /**
   * Saves what changed, before an answer goes out. Returns the reason the state cannot be saved, if it cannot:
   * from then on the sandbox must refuse to answer, as what it would serve is no longer what a restart serves.
   */
  beforeAnswer(): SavedStateError | undefined {
    try {
      this.flush();
      return undefined;
    } catch (error) {
      if (error instanceof SavedStateError) return error;
      throw error;
    }
  }

  /** Saves changes made outside a request (in-process edits, webhook results) once the current task is done. */
  scheduleFlush(): void {
    if (this.flushQueued || this.closed) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      const failure = this.beforeAnswer();
      if (failure) this.options.logger.error({ err: failure }, failure.message);
    });
  }

  flush(): void {
    if (this.failure) throw this.failure;
    if (this.closed) return;
    this.guard(() => {
      const change = this.options.takeChanges();
      if (change === undefined) return;
      this.journal!.append(this.lastSeq + 1, change);
      this.lastSeq += 1;
      if (this.journal!.bytes > Math.max(MIN_JOURNAL_BYTES_BEFORE_COMPACTION, this.snapshotBytes)) this.writeSnapshot();
    });
  }

  /** Saves the last changes, folds the journal into the snapshot (a quick next start) and lets go of the files. */
  close(): void {
    if (this.closed) return;
    try {
      if (!this.failure) {
        this.flush();
        if (this.journal && this.journal.bytes > 0) this.guard(() => this.writeSnapshot());
      }
    } catch (error) {
      this.options.logger.error({ err: error }, (error as Error).message);
    } finally {
      this.release();
    }
  }

  private release(): void {
    this.closed = true;
    this.journal?.close();
    this.journal = undefined;
    this.releaseLock();
  }

  private writeSnapshot(): void {
    const started = performance.now();
    const { meta, items } = this.options.snapshot();
    this.snapshotBytes = writeSnapshot(
      this.files,
      { format: this.format, version: SNAPSHOT_VERSION, savedAt: new Date().toISOString(), journalSeq: this.lastSeq, meta },
      items,
    );
    this.journal?.truncate();
    this.options.logger.debug(
      { file: this.files.snapshot, bytes: this.snapshotBytes, ms: Math.round(performance.now() - started) },
      `${this.options.title}: state saved as a snapshot`,
    );
  }

  /** Runs a file operation; a failure is kept, so every later answer is refused with it. */
  private guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      if (error instanceof SavedStateError) {
        this.failure = error;
        throw error;
      }
      const file = (error as { path?: string }).path ?? this.files.journal;
      this.failure = new SavedStateError(
        `The ${this.options.title} could not save its state to ${file}: ${(error as Error).message}. It refuses every request until it is ` +
          "restarted (free disk space or fix the folder's permissions first); the changes it answered before are saved.",
        file,
      );
      throw this.failure;
    }
  }
}
