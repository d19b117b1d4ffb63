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
import type { AppConfig } from "../src/config/config.js";

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  /** Most aliased fields in one operation (a fragment's counted at each spread). */
  maxAliases: number;
  /** Most distinct fields at an operation's top level. */
  maxRootFields: number;
  /** Assumed length of a list whose size the query does not fix with first/last (or fixes with a variable). */
  assumedListSize?: number;
}

/** The limits GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_COST, GRAPHQL_MAX_ALIASES and GRAPHQL_MAX_ROOT_FIELDS set. */
export function queryLimitsOf(gateway: AppConfig["gateway"]): QueryLimits {
  const { maxDepth, maxCost, maxAliases, maxRootFields } = gateway;
  return { maxDepth, maxCost, maxAliases, maxRootFields };
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
        const child = walk(selection.selectionSet, definition ? (getNamedType(definition.type) as GraphQLCompositeType) : null, paging !== null);
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

export interface SelectionCounts {
  aliases: number;
  rootFields: number;
}

/** Aliased fields under `selectionSet`, a fragment's counted at each spread (memoised per fragment). */
function countAliases(selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): number {
  const perFragment = new Map<string, number>();
  const inProgress = new Set<string>();
  const ofFragment = (name: string): number => {
    const known = perFragment.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return 0; // unknown or cyclic: graphql's own rules report it
    inProgress.add(name);
    const count = within(fragment.selectionSet);
    inProgress.delete(name);
    perFragment.set(name, count);
    return count;
  };
  const within = (set: SelectionSetNode): number => {
    let count = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) count += 1;
        if (selection.selectionSet) count += within(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        count += within(selection.selectionSet);
      } else {
        count += ofFragment(selection.name.value);
      }
    }
    return count;
  };
  return within(selectionSet);
}

/** The distinct response keys at the top of `selectionSet`, through inline fragments and spreads. */
function countRootFields(selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): number {
  const keys = new Set<string>();
  const visited = new Set<string>();
  const collect = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        keys.add(selection.alias?.value ?? selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else {
        const fragment = fragments.get(selection.name.value);
        // A fragment's keys are the same at every spread: once is enough (and ends cycles).
        if (!fragment || visited.has(fragment.name.value)) continue;
        visited.add(fragment.name.value);
        collect(fragment.selectionSet);
      }
    }
  };
  collect(selectionSet);
  return keys.size;
}

/**
 * Counts what depth and cost do not see, since a scalar or `__typename` costs nothing there:
 * - aliases: every aliased field, a fragment's aliases counted at each spread (`{ a: x b: x }` is 2). Aliases are
 *   how one request asks for the same field many times over.
 * - root fields: the distinct response keys of the operation's top level, fragments included: the root resolvers
 *   that run (a field asked for twice under the same key runs once).
 */
export function countSelections(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): SelectionCounts {
  return {
    aliases: countAliases(operation.selectionSet, fragments),
    rootFields: countRootFields(operation.selectionSet, fragments),
  };
}

function limitError(operation: OperationDefinitionNode, message: string, code: string): GraphQLError {
  return new GraphQLError(message, { nodes: [operation], extensions: { code, http: { status: 400 } } });
}

/** The operation's refusals, one per limit it goes over. */
function limitViolations(operation: OperationDefinitionNode, measure: Measure, counts: SelectionCounts, limits: QueryLimits): GraphQLError[] {
  const name = operation.name ? `Operation "${operation.name.value}"` : "The operation";
  const errors: GraphQLError[] = [];
  if (measure.depth > limits.maxDepth) {
    errors.push(
      limitError(
        operation,
        `${name} is ${measure.depth} levels deep; the limit is ${limits.maxDepth} (GRAPHQL_MAX_DEPTH). ` + "Split it into smaller queries.",
        "DEPTH_LIMIT_EXCEEDED",
      ),
    );
  }
  if (measure.cost > limits.maxCost) {
    errors.push(
      limitError(
        operation,
        `${name} has an estimated cost of ${measure.cost}; the limit is ${limits.maxCost} (GRAPHQL_MAX_COST). ` +
          "Ask for fewer items per page (first/last) or fewer nested lists.",
        "COST_LIMIT_EXCEEDED",
      ),
    );
  }
  if (counts.aliases > limits.maxAliases) {
    errors.push(
      limitError(
        operation,
        `${name} uses ${counts.aliases} aliases (a fragment's counted at each spread); the limit is ${limits.maxAliases} ` +
          "(GRAPHQL_MAX_ALIASES). Ask for a list with a filter instead of the same field under many names, or split the query.",
        "ALIAS_LIMIT_EXCEEDED",
      ),
    );
  }
  if (counts.rootFields > limits.maxRootFields) {
    errors.push(
      limitError(
        operation,
        `${name} asks for ${counts.rootFields} top-level fields; the limit is ${limits.maxRootFields} ` +
          "(GRAPHQL_MAX_ROOT_FIELDS). Split it into smaller queries.",
        "ROOT_FIELD_LIMIT_EXCEEDED",
      ),
    );
  }
  return errors;
}

/**
 * A validation rule that refuses operations deeper, costlier, with more aliases or more top-level fields than the
 * configured limits.
 */
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
        const counts = countSelections(operation, fragments);
        for (const error of limitViolations(operation, measure, counts, limits)) context.reportError(error);
      },
    };
  };
}
