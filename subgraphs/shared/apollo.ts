import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "../../src/logging/logger.js";
import { createErrorFormatter } from "./errors.js";
import type { SubgraphContext, SubgraphDeps } from "./context.js";
import { fieldNamesIn } from "./fields-asked.js";

export interface SubgraphApolloOptions {
  name: string;
  schema: GraphQLSchema;
  deps: SubgraphDeps;
  logger: Logger;
  /** Adds `extensions.sqlQueries` (statements this request ran) to every response: for tests and benchmarks. */
  exposeSqlCount?: boolean;
}

/**
 * The Apollo Server of one subgraph: no landing page, no inline tracing, no cache-control plugin, errors without stack
 * traces. The cache-control plugin (on by default) wraps every field resolver to compute cache hints, which this schema
 * never sets, and that cost showed in every list request (bench/README.md). Responses keep the header it sent (`no-store`).
 */
export function createSubgraphApollo(options: SubgraphApolloOptions): ApolloServer<SubgraphContext> {
  return new ApolloServer<SubgraphContext>({
    schema: options.schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // The processes that serve subgraphs stop them on SIGTERM/SIGINT themselves, in order. Apollo's own handler would
    // stop the server and then raise the signal again, ending the process before the HTTP server drained and the
    // database closed.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(options.logger, options.name),
    logger: {
      debug: (message) => options.logger.debug(message),
      info: (message) => options.logger.info(message),
      warn: (message) => options.logger.warn(message),
      error: (message) => options.logger.error(message),
    },
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      fieldsAskedPlugin(),
      sqlCountPlugin(options.name, options.deps, Boolean(options.exposeSqlCount)),
    ],
  });
}

/** Records the field names the operation selects before it runs (SubgraphContext.operation). */
function fieldsAskedPlugin(): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          // Added to, not replaced: operations of one HTTP request (were batching ever turned on) share the loaders.
          const names = fieldNamesIn(document);
          const earlier = contextValue.operation.fieldsAsked;
          contextValue.operation.fieldsAsked = earlier === null ? names : new Set([...earlier, ...names]);
        },
      };
    },
  };
}

function sqlCountPlugin(subgraph: string, deps: SubgraphDeps, expose: boolean): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, operationName }) {
          response.http.headers.set("cache-control", "no-store");
          const statements = contextValue.sql?.count ?? 0;
          deps.observeSql?.({ subgraph, operationName: operationName ?? null, statements });
          if (expose && response.body.kind === "single") {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, sqlQueries: statements };
          }
        },
      };
    },
  };
}
