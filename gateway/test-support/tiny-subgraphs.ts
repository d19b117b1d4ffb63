/**
 * Two tiny federated subgraphs for the gateway's own tests: they let composition, auth, limits, health and the IDE
 * be tested without the product's subgraphs. Each records the headers it received.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { buildSubgraphSchema, printSubgraphSchema } from "@apollo/subgraph";
import { graphql, parse, type GraphQLSchema } from "graphql";
import type { SubgraphSource } from "../compose.js";

const FEDERATION = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])`;

const people = [
  { id: "p1", name: "Ada Lovelace" },
  { id: "p2", name: "Alan Turing" },
];
const balances = new Map([
  ["p1", 120],
  ["p2", 80],
]);

export const ACCOUNTS_SDL = `${FEDERATION}
  type Person @key(fields: "id") { id: ID! name: String! friends: [Person!]! }
  type Query { people(first: Int): [Person!]! person(id: ID!): Person slow: String! }`;

export const GREETING_SDL = `${FEDERATION}
  type Query { hello: String! }`;

/** Resolvers of Query.slow wait here until the test releases them (graceful shutdown tests). */
export const slowGate = {
  waiting: [] as Array<() => void>,
  arrived: [] as Array<() => void>,
  /** Resolves once a slow request has reached the subgraph. */
  reached(): Promise<void> {
    return new Promise((resolve) => this.arrived.push(resolve));
  },
  release(): void {
    for (const resume of this.waiting.splice(0)) resume();
  },
};

export const BILLING_SDL = `${FEDERATION}
  type Person @key(fields: "id") { id: ID! balance: Int! }
  type Mutation { charge(personId: ID!, amount: Int!): Person! }`;

function accountsSchema(): GraphQLSchema {
  return buildSubgraphSchema([
    {
      typeDefs: parse(ACCOUNTS_SDL),
      resolvers: {
        Query: {
          people: (_: unknown, args: { first?: number }) => people.slice(0, args.first ?? people.length),
          person: (_: unknown, args: { id: string }) => people.find((p) => p.id === args.id) ?? null,
          slow: () =>
            new Promise<string>((resolve) => {
              slowGate.waiting.push(() => resolve("finished"));
              for (const arrived of slowGate.arrived.splice(0)) arrived();
            }),
        },
        Person: {
          __resolveReference: (ref: { id: string }) => people.find((p) => p.id === ref.id),
          friends: (person: { id: string }) => people.filter((p) => p.id !== person.id),
        },
      } as never,
    },
  ]);
}

function billingSchema(): GraphQLSchema {
  return buildSubgraphSchema([
    {
      typeDefs: parse(BILLING_SDL),
      resolvers: {
        Person: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, balance: balances.get(ref.id) ?? 0 }) },
        Mutation: {
          charge: (_: unknown, args: { personId: string; amount: number }) => {
            balances.set(args.personId, (balances.get(args.personId) ?? 0) + args.amount);
            return { id: args.personId, balance: balances.get(args.personId) };
          },
        },
      } as never,
    },
  ]);
}

function greetingSchema(): GraphQLSchema {
  return buildSubgraphSchema([{ typeDefs: parse(GREETING_SDL), resolvers: { Query: { hello: () => "hej" } } as never }]);
}

export interface TinySubgraph extends SubgraphSource {
  /** Headers of every request received, lower-cased names. */
  received: Array<Record<string, string | undefined>>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function serve(name: string, schema: GraphQLSchema, secret: string, port = 0): Promise<TinySubgraph> {
  const received: TinySubgraph["received"] = [];
  const server: Server = createServer(async (request, response) => {
    received.push({
      "x-subgraph-secret": request.headers["x-subgraph-secret"] as string | undefined,
      "x-caller-name": request.headers["x-caller-name"] as string | undefined,
      "x-caller-role": request.headers["x-caller-role"] as string | undefined,
      "x-api-key": request.headers["x-api-key"] as string | undefined,
    });
    if (request.headers["x-subgraph-secret"] !== secret) {
      response.writeHead(403, { "content-type": "application/json" });
      response.end(JSON.stringify({ errors: [{ message: "not from the gateway", extensions: { code: "FORBIDDEN" } }] }));
      return;
    }
    const { query, variables, operationName } = JSON.parse(await readBody(request));
    const result = await graphql({ schema, source: query, variableValues: variables, operationName });
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(result));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${address.port}/graphql`,
    sdl: printSubgraphSchema(schema),
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function startTinySubgraphs(secret: string): Promise<TinySubgraph[]> {
  return Promise.all([serve("accounts", accountsSchema(), secret), serve("billing", billingSchema(), secret)]);
}

/** A third subgraph ("hello"), optionally on a given port (to start it after the gateway began waiting for it). */
export function startGreetingSubgraph(secret: string, port = 0): Promise<TinySubgraph> {
  return serve("greeting", greetingSchema(), secret, port);
}
