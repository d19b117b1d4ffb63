import { pino, type Logger, type LoggerOptions } from "pino";

export type { Logger };

/** Paths whose values never reach a log line, wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  "password",
  "*.password",
  "apiKey",
  "*.apiKey",
  "api_key",
  "*.api_key",
  "secret",
  "*.secret",
  "token",
  "*.token",
  "access_token",
  "*.access_token",
  "authorization",
  "*.authorization",
  "*.headers.authorization",
  "*.headers.Authorization",
  '*.headers["ocp-apim-subscription-key"]',
  '*.headers["Ocp-Apim-Subscription-Key"]',
  '*.headers["x-api-key"]',
  '*.headers["x-subgraph-secret"]',
  "applicationKey",
  "*.applicationKey",
  "clientKey",
  "*.clientKey",
  "subscriptionKey",
  "*.subscriptionKey",
  "databaseUrl",
  "*.databaseUrl",
  "connectionString",
  "*.connectionString",
];

export interface LoggerSettings {
  level: string;
  format: "pretty" | "json";
  name?: string;
}

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    name: settings.name,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
  };
  if (settings.format === "pretty") {
    return pino({
      ...options,
      transport: {
        target: "pino-pretty",
        options: { colorize: Boolean(process.stdout.isTTY), translateTime: "HH:MM:ss.l", ignore: "pid,hostname" },
      },
    });
  }
  return pino(options);
}

/** A logger that writes nothing, for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: "silent" });
