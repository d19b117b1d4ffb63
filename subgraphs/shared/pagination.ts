import "reflect-metadata";
import { Directive, Field, Int, ObjectType, type ClassType } from "type-graphql";
import type { Knex } from "knex";
import { badUserInput } from "./errors.js";
import type { RequestSql } from "./sql-counter.js";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** Relay's PageInfo. The same type in every subgraph, hence @shareable. */
@ObjectType({ description: "Where a page sits in the whole list (Relay cursor connections)." })
@Directive("@shareable")
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => Boolean) hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

/** What a list resolver returns. totalCount is a getter: its count statement runs only when the field is selected. */
export interface ConnectionResult<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  readonly totalCount: Promise<number>;
}

/** Declares `<Name>Connection` and `<Name>Edge` for one node type. */
export function connectionType<T extends object>(name: string, nodeType: ClassType<T>, description?: string) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => String, { description: "Pass as `after` to get the records following this one." }) cursor!: string;
    @Field(() => nodeType) node!: T;
  }
  @ObjectType(`${name}Connection`, { description })
  class ConnectionType {
    @Field(() => [EdgeType]) edges!: EdgeType[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int, { description: "How many records match the filter, over all pages." }) totalCount!: number;
  }
  return ConnectionType;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/**
 * Keyset order: SQL expressions that together identify a row uniquely (the last one is a unique column). They are
 * selected as __k0, __k1, … so the cursor carries exactly the values PostgreSQL compared (no JS re-implementation of
 * lower() or collations).
 */
export interface KeysetOrder {
  keys: readonly string[];
  /** What each key is in a cursor: "number" (an integer) or "text"; a cursor with anything else is refused. */
  types: readonly KeyType[];
  /** Newest first and the like: every key descending. */
  descending?: boolean;
}

export type KeyType = "number" | "text";

export function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, types: readonly KeyType[]): Array<string | number> {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(values) &&
      values.length === types.length &&
      values.every((value, index) => (types[index] === "number" ? Number.isSafeInteger(value) : typeof value === "string"))
    ) {
      return values as Array<string | number>;
    }
  } catch {
    // fall through to the error below
  }
  throw badUserInput(`"after" is not a cursor from this list: pass the cursor of an edge (or pageInfo.endCursor) unchanged`);
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`"first" must be between 0 and ${MAX_PAGE_SIZE}, got ${first}`);
  }
  return first;
}

export interface PageOptions {
  /** What the nodes read: all columns by default. */
  columns?: readonly string[];
  /**
   * The field names the request asks for (SubgraphContext.operation). When they include totalCount, a first page
   * counts its rows in the same statement (a window count) instead of a second one.
   */
  fieldsAsked?: ReadonlySet<string> | null;
}

/**
 * One page of `query` (a builder with its filters, without select/order/limit) in keyset order: one statement for
 * the page, one more only when totalCount is asked for and could not be counted along with the page.
 */
export async function paginate<Row, Node>(
  sql: RequestSql,
  query: Knex.QueryBuilder,
  order: KeysetOrder,
  args: PageArgs,
  toNode: (row: Row) => Node,
  { columns = ["*"], fieldsAsked = null }: PageOptions = {},
): Promise<ConnectionResult<Node>> {
  const limit = pageSize(args.first);
  const knex = sql.knex;
  const page = query.clone().select(columns);
  order.keys.forEach((key, index) => page.select(knex.raw(`${key} as "__k${index}"`)));
  // A window count sees the rows the filter matches before the limit; after a cursor it would miss the earlier ones.
  const countAlong = limit > 0 && !args.after && fieldsAsked?.has("totalCount") === true;
  if (countAlong) page.select(knex.raw(`count(*) over () as "__total"`));
  if (args.after) {
    const values = decodeCursor(args.after, order.types);
    const tuple = `(${order.keys.join(", ")}) ${order.descending ? "<" : ">"} (${values.map(() => "?").join(", ")})`;
    page.whereRaw(tuple, values);
  }
  page.orderByRaw(order.keys.map((key) => (order.descending ? `${key} desc` : key)).join(", ")).limit(limit + 1);
  const rows = limit === 0 ? [] : await sql.rows<Row & Record<string, unknown>>(page);
  const hasNextPage = rows.length > limit;
  const edges = rows.slice(0, limit).map((row) => new PageEdge(order, row, toNode(row)));
  let total: Promise<number> | undefined = countAlong ? Promise.resolve(rows.length === 0 ? 0 : Number(rows[0]!.__total)) : undefined;
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    get totalCount() {
      total ??= sql
        .rows<{ count: number | string }>(query.clone().clearSelect().clearOrder().count({ count: "*" }))
        .then((result) => Number(result[0]?.count ?? 0));
      return total;
    },
  };
}

/** An edge whose cursor is encoded when asked for (a list query seldom asks for every edge's cursor). */
class PageEdge<Node> implements Edge<Node> {
  constructor(
    private readonly order: KeysetOrder,
    private readonly row: Record<string, unknown>,
    readonly node: Node,
  ) {}

  get cursor(): string {
    return encodeCursor(this.order.keys.map((_, index) => normaliseKey(this.row[`__k${index}`])));
  }
}

function normaliseKey(value: unknown): string | number {
  if (typeof value === "number" || typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return Number(value);
  return String(value);
}

// Note for resolvers: type-graphql lists a field's arguments in the reverse order of the method's parameters, so
// list queries declare (after, first, filter) to read `filter, first, after` in the schema.
