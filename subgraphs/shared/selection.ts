import type { GraphQLResolveInfo, SelectionSetNode } from "graphql";

/**
 * Whether the current field's selection asks for any of `fields` at `path` below it (e.g. ["edges", "node"] of a
 * connection), looking through fragments. @skip/@include are not evaluated: a field they leave out still counts, so
 * the answer errs on the side of "asked for" (for prefetching, where a needless fetch costs a statement, not a result).
 */
export function selectsAny(info: GraphQLResolveInfo, path: readonly string[], fields: ReadonlySet<string>): boolean {
  const visit = (selectionSet: SelectionSetNode | undefined, depth: number): boolean => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === "InlineFragment") {
        if (visit(selection.selectionSet, depth)) return true;
      } else if (selection.kind === "FragmentSpread") {
        if (visit(info.fragments[selection.name.value]?.selectionSet, depth)) return true;
      } else if (depth === path.length) {
        if (fields.has(selection.name.value)) return true;
      } else if (selection.name.value === path[depth] && visit(selection.selectionSet, depth + 1)) {
        return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((node) => visit(node.selectionSet, 0));
}
