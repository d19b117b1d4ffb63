import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from "graphql";

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  /** Assumed length of a list whose size the query does not fix with first/last (or fixes with a variable). */
  assumedListSize?: number;
}

const PAGING_ARGUMENTS = new Set(["first", "last", "limit"]);
const DEFAULT_ASSUMED_LIST_SIZE = 10;

interface Measure {
  depth: number;
  cost: number;
}

/**
 * Measures an operation the way the limits count it:
 * - depth: levels of nested fields (`{ a { b } }` is 2); introspection fields (`__schema`, `__type`) are not counted,
 *   so GraphiQL's schema query always passes.
 * - cost: every field that returns an object costs 1, times the number of items its list can hold: the literal
 *   first/last/limit argument, else the assumed list size for a list; the lists of a paged connection
 *   (`edges`, `nodes`) are not counted twice.
 * Each fragment is measured once per context and the result reused at every spread, so a fragment spread twice in a
 * fragment spread twice in … (2^n uses) costs n walks, not 2^n.
 */
export function measureOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  assumedListSize = DEFAULT_ASSUMED_LIST_SIZE,
): Measure {
  const root =
    operation.operation === "query"
      ? schema.getQueryType()
      : operation.operation === "mutation"
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) return { depth: 0, cost: 0 };

  const fieldOf = (parent: GraphQLNamedType | null | undefined, name: string): GraphQLField<unknown, unknown> | undefined =>
    parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;

  const listSize = (field: FieldNode): number | null => {
    for (const argument of field.arguments ?? []) {
      if (!PAGING_ARGUMENTS.has(argument.name.value)) continue;
      const value: ValueNode = argument.value;
      return value.kind === Kind.INT ? Math.max(0, Number(value.value)) : assumedListSize;
    }
    return null;
  };

  const fragmentMeasures = new Map<string, Measure>();
  const fragmentsInProgress = new Set<string>();
  const measureFragment = (name: string, parentPaged: boolean): Measure => {
    const key = `${parentPaged ? "paged" : "plain"}:${name}`;
    const known = fragmentMeasures.get(key);
    if (known) return known;
    const fragment = fragments.get(name);
    // unknown or cyclic: graphql's own rules report it
    if (!fragment || fragmentsInProgress.has(key)) return { depth: 0, cost: 0 };
    fragmentsInProgress.add(key);
    const measure = walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value), parentPaged);
    fragmentsInProgress.delete(key);
    fragmentMeasures.set(key, measure);
    return measure;
  };

  const walk = (selectionSet: SelectionSetNode, parent: GraphQLNamedType | null | undefined, parentPaged: boolean): Measure => {
    let depth = 0;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith("__")) continue;
        const definition = fieldOf(parent, selection.name.value);
        const returnType = definition ? getNullableType(definition.type) : undefined;
        const paging = listSize(selection);
        const isList = returnType !== undefined && isListType(returnType);
        const multiplier = paging ?? (isList && !parentPaged ? assumedListSize : 1);
        if (!selection.selectionSet) {
          depth = Math.max(depth, 1);
          continue;
        }
        const child = walk(
          selection.selectionSet,
          definition ? (getNamedType(definition.type) as GraphQLCompositeType) : null,
          paging !== null,
        );
        depth = Math.max(depth, child.depth + 1);
        cost += multiplier * (1 + child.cost);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        const child = walk(selection.selectionSet, type, parentPaged);
        depth = Math.max(depth, child.depth);
        cost += child.cost;
      } else {
        const child = measureFragment(selection.name.value, parentPaged);
        depth = Math.max(depth, child.depth);
        cost += child.cost;
      }
    }
    return { depth, cost };
  };

  return walk(operation.selectionSet, root, false);
}

/** A validation rule that refuses operations deeper or costlier than the configured limits. */
export function queryLimitsRule(limits: QueryLimits) {
  return (context: ValidationContext): ASTVisitor => {
    const document = context.getDocument();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    return {
      OperationDefinition(operation) {
        const measure = measureOperation(context.getSchema(), operation, fragments, limits.assumedListSize);
        const name = operation.name ? `Operation "${operation.name.value}"` : "The operation";
        if (measure.depth > limits.maxDepth) {
          context.reportError(
            new GraphQLError(
              `${name} is ${measure.depth} levels deep; the limit is ${limits.maxDepth} (GRAPHQL_MAX_DEPTH). ` +
                "Split it into smaller queries.",
              { nodes: [operation], extensions: { code: "DEPTH_LIMIT_EXCEEDED", http: { status: 400 } } },
            ),
          );
        }
        if (measure.cost > limits.maxCost) {
          context.reportError(
            new GraphQLError(
              `${name} has an estimated cost of ${measure.cost}; the limit is ${limits.maxCost} (GRAPHQL_MAX_COST). ` +
                "Ask for fewer items per page (first/last) or fewer nested lists.",
              { nodes: [operation], extensions: { code: "COST_LIMIT_EXCEEDED", http: { status: 400 } } },
            ),
          );
        }
      },
    };
  };
}
