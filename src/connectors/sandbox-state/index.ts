export { ChangeTracker } from "./change-tracker.js";
export { DAMAGED_STATE_ADVICE, SavedStateError } from "./errors.js";
export { assertNoSandboxRunning, deleteSavedState, savedStateFiles } from "./reset-saved-state.js";
export { SavedState, type LoadResult, type SavedStateOptions, type SavedStateReader, type StateSnapshot } from "./saved-state.js";
export { sandboxStateDirectory, stateFilePaths, type StateFilePaths } from "./state-paths.js";
