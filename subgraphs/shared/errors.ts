import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import type { Logger } from "../../src/logging/logger.js";

/** The error codes a client can act on. Anything else reaches the client as INTERNAL_SERVER_ERROR. */
export const CLIENT_ERROR_CODES = ["BAD_USER_INPUT", "NOT_FOUND", "FORBIDDEN", "CONFLICT", "UNAVAILABLE"] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

/** A GraphQL error the client caused or can act on; its message is shown as is. */
export function clientError(code: ClientErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extra, code } });
}

export const badUserInput = (message: string, extra?: Record<string, unknown>) => clientError("BAD_USER_INPUT", message, extra);
export const notFound = (message: string) => clientError("NOT_FOUND", message);
export const forbidden = (message: string) => clientError("FORBIDDEN", message);

/** Errors thrown by the sync commands (SyncCommandError in src/sync/model/errors.ts) carry a code and a safe message. */
function asCommandError(error: unknown): { code: ClientErrorCode; message: string; details: Record<string, unknown> } | null {
  if (typeof error !== "object" || error === null) return null;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== "string" || typeof message !== "string") return null;
  if (!(CLIENT_ERROR_CODES as readonly string[]).includes(code)) return null;
  if ((error as { name?: unknown }).name !== "SyncCommandError") return null;
  const details = (error as { details?: unknown }).details;
  return { code: code as ClientErrorCode, message, details: typeof details === "object" && details !== null ? { ...details } : {} };
}

export const INTERNAL_MESSAGE = "Internal server error: the subgraph logged the details";

/**
 * Apollo Server's formatError: GraphQL errors (ours, parse, validation, variable coercion) keep their message and
 * code without a stack trace; sync command errors become their code; anything else is logged and hidden.
 */
export function createErrorFormatter(logger: Logger, subgraph: string) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    if (original instanceof GraphQLError) {
      const code = original.extensions?.code ?? formatted.extensions?.code;
      if (original.originalError && !(original.originalError instanceof GraphQLError) && code === undefined) {
        return hideInternal(logger, subgraph, original.originalError, formatted);
      }
      const { stacktrace: _stack, exception: _exception, ...extensions } = { ...formatted.extensions, ...original.extensions };
      return { ...base, extensions: { ...extensions, code: code ?? "INTERNAL_SERVER_ERROR" } };
    }
    const command = asCommandError(original);
    if (command) return { ...base, message: command.message, extensions: { ...command.details, code: command.code } };
    return hideInternal(logger, subgraph, original, formatted);
  };
}

function hideInternal(logger: Logger, subgraph: string, error: unknown, formatted: GraphQLFormattedError): GraphQLFormattedError {
  logger.error({ err: error, subgraph, path: formatted.path }, "unexpected error in a resolver");
  return {
    message: INTERNAL_MESSAGE,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: "INTERNAL_SERVER_ERROR" },
  };
}
