import type { StoreFailure } from "../../datasets/upsert-records.js";

/** What reading one source type did. */
export interface ReadOutcome {
  changed: number;
  unchanged: number;
  deleted: number;
  /** Records that could not be stored; the read went on (the engine quarantines them under the flows that read them). */
  unstored: StoreFailure[];
  /** False when some part failed (nothing was deleted by absence, the cursor did not move). */
  complete: boolean;
  /** What failed, when not complete. */
  problems: string[];
}

export function emptyOutcome(): ReadOutcome {
  return { changed: 0, unchanged: 0, deleted: 0, unstored: [], complete: true, problems: [] };
}
