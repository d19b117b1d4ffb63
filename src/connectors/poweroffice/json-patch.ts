/**
 * RFC 6902 JSON Patch: typed operations for callers, and an applier for the sandbox. PowerOffice resolves path
 * segments case-insensitively (its examples mix `/mailAddress/city` and `/EmailAddress`), so the applier does too.
 */

type ValueOf<T, K> = K extends keyof T ? T[K] : never;

/** One JSON Patch operation on the patchable fields F of a record type T; nested paths reach into objects and arrays. */
export type JsonPatchOperation<T, F extends string = Extract<keyof T, string>> =
  | { [K in F]: { op: "replace" | "add" | "test"; path: `/${K}`; value: ValueOf<T, K> } }[F]
  | { op: "remove"; path: `/${F}` | `/${F}/${string}` }
  | { op: "replace" | "add" | "test"; path: `/${F}/${string}`; value: unknown }
  | { op: "copy" | "move"; from: `/${F}` | `/${F}/${string}`; path: `/${F}` | `/${F}/${string}` };

/** An untyped operation, as it arrives on the wire. */
export interface RawJsonPatchOperation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

/** `replace` operations for every field present in `changes` (undefined values are skipped, null clears a field). */
export function replaceOperations<T, F extends Extract<keyof T, string>>(changes: { [K in F]?: ValueOf<T, K> }): JsonPatchOperation<T, F>[] {
  const ops: JsonPatchOperation<T, F>[] = [];
  for (const field of Object.keys(changes) as F[]) {
    const value = changes[field];
    if (value === undefined) continue;
    ops.push({ op: "replace", path: `/${field}`, value } as JsonPatchOperation<T, F>);
  }
  return ops;
}

export class JsonPatchError extends Error {
  constructor(
    message: string,
    readonly operationIndex: number,
  ) {
    super(message);
    this.name = "JsonPatchError";
  }
}

type Container = Record<string, unknown> | unknown[];

function parsePointer(pointer: string, index: number): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new JsonPatchError(`Path "${pointer}" must start with "/"`, index);
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function isContainer(value: unknown): value is Container {
  return typeof value === "object" && value !== null;
}

/** The existing key matching `segment` ignoring case, or `segment` itself. */
function resolveKey(object: Record<string, unknown>, segment: string): string {
  if (segment in object) return segment;
  const lower = segment.toLowerCase();
  return Object.keys(object).find((k) => k.toLowerCase() === lower) ?? segment;
}

function arrayIndex(array: unknown[], segment: string, allowEnd: boolean, index: number): number {
  if (segment === "-" && allowEnd) return array.length;
  if (!/^(0|[1-9]\d*)$/.test(segment)) throw new JsonPatchError(`"${segment}" is not an array index`, index);
  const i = Number(segment);
  if (i > array.length || (!allowEnd && i === array.length)) {
    throw new JsonPatchError(`Array index ${i} is out of range`, index);
  }
  return i;
}

/** Walks to the parent of the last segment, creating nothing. */
function parentOf(root: Container, segments: string[], index: number): { parent: Container; last: string } {
  let node: unknown = root;
  for (const segment of segments.slice(0, -1)) {
    if (Array.isArray(node)) node = node[arrayIndex(node, segment, false, index)];
    else if (isContainer(node)) node = (node as Record<string, unknown>)[resolveKey(node as Record<string, unknown>, segment)];
    else node = undefined;
    if (!isContainer(node)) throw new JsonPatchError(`Path "/${segments.join("/")}" does not exist`, index);
  }
  return { parent: node as Container, last: segments[segments.length - 1]! };
}

function read(root: Container, pointer: string, index: number): unknown {
  const segments = parsePointer(pointer, index);
  if (segments.length === 0) return root;
  const { parent, last } = parentOf(root, segments, index);
  if (Array.isArray(parent)) return parent[arrayIndex(parent, last, false, index)];
  const key = resolveKey(parent, last);
  if (!(key in parent)) throw new JsonPatchError(`Path "${pointer}" does not exist`, index);
  return parent[key];
}

function write(root: Container, pointer: string, value: unknown, mode: "add" | "replace", index: number, keyCase?: (key: string) => string): void {
  const segments = parsePointer(pointer, index);
  if (segments.length === 0) throw new JsonPatchError("The whole document cannot be replaced", index);
  const { parent, last } = parentOf(root, segments, index);
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent, last, mode === "add", index);
    if (mode === "add") parent.splice(i, 0, value);
    else parent[i] = value;
    return;
  }
  const existing = resolveKey(parent, last);
  // Top-level keys that do not exist yet take the canonical spelling of the schema (keyCase), not the caller's.
  const key = existing in parent ? existing : segments.length === 1 && keyCase ? keyCase(last) : last;
  if (mode === "replace" && !(key in parent) && segments.length > 1) {
    throw new JsonPatchError(`Path "${pointer}" does not exist`, index);
  }
  parent[key] = value;
}

function remove(root: Container, pointer: string, index: number): void {
  const segments = parsePointer(pointer, index);
  const { parent, last } = parentOf(root, segments, index);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(parent, last, false, index), 1);
    return;
  }
  const key = resolveKey(parent, last);
  if (!(key in parent)) throw new JsonPatchError(`Path "${pointer}" does not exist`, index);
  delete parent[key];
}

/**
 * Applies `ops` to a deep copy of `document` and returns the copy; the input is never modified, so a failing
 * operation leaves nothing half-applied. `keyCase` maps a new top-level key to its canonical spelling.
 */
export function applyJsonPatch<T extends object>(document: T, ops: readonly RawJsonPatchOperation[], keyCase?: (key: string) => string): T {
  const copy = structuredClone(document) as unknown as Record<string, unknown>;
  ops.forEach((op, index) => {
    switch (op.op) {
      case "add":
      case "replace":
        if (!("value" in op)) throw new JsonPatchError(`Operation "${op.op}" needs a value`, index);
        write(copy, op.path, structuredClone(op.value), op.op, index, keyCase);
        break;
      case "remove":
        remove(copy, op.path, index);
        break;
      case "test": {
        const actual = read(copy, op.path, index);
        if (JSON.stringify(actual) !== JSON.stringify(op.value)) {
          throw new JsonPatchError(`Test failed at "${op.path}"`, index);
        }
        break;
      }
      case "copy":
      case "move": {
        if (typeof op.from !== "string") throw new JsonPatchError(`Operation "${op.op}" needs "from"`, index);
        const value = structuredClone(read(copy, op.from, index));
        if (op.op === "move") remove(copy, op.from, index);
        write(copy, op.path, value, "add", index, keyCase);
        break;
      }
      default:
        throw new JsonPatchError(`Unknown operation "${String(op.op)}"`, index);
    }
  });
  return copy as unknown as T;
}
