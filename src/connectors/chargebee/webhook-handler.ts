import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Knex } from "knex";
import { upsertRecords } from "../../datasets/upsert-records.js";
import type { DatasetRecord } from "../../datasets/types.js";
import type { Logger } from "../../logging/logger.js";
import { silentLogger } from "../../logging/logger.js";
import { versionOf } from "./client.js";
import { chargebeeRecordFrom, isChargebeeDatasetEntity } from "./records.js";

export interface ChargebeeWebhookHandlerOptions {
  knex: Knex;
  username: string;
  password: string;
  logger?: Logger;
  /** How long event ids are kept for de-duplication. Chargebee retries for about 3 days 7 hours; minimum 4. Default 7. */
  retentionDays?: number;
  /** Largest accepted body (CHARGEBEE_WEBHOOK_MAX_BODY_BYTES). Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Called after an event changed dataset records (not for duplicates, stale or unchanged content such as the echo
   * of our own write), e.g. to wake the sync. Errors are logged, not returned.
   */
  onChanges?: (result: ChargebeeWebhookResult) => void | Promise<void>;
}

export interface ChargebeeWebhookResult {
  eventId: string;
  eventType: string;
  /** The event id was seen before: nothing was done. */
  duplicate: boolean;
  /** Dataset records that were created or changed by this event. */
  changed: DatasetRecord[];
  /** "entity/id" of objects older (lower resource_version) than what the dataset holds: left alone. */
  stale: string[];
}

export type ChargebeeWebhookHandler = ((req: IncomingMessage, res: ServerResponse) => Promise<void>) & {
  /** Stores one event (already parsed and authenticated): de-duplicated, out-of-order safe. */
  handleEvent(event: unknown): Promise<ChargebeeWebhookResult>;
  /** Deletes remembered event ids older than the retention. Returns how many. */
  prune(): Promise<number>;
};

class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The body is left unread: close the connection rather than read the rest to reach a next request. */
    readonly closeConnection = false,
  ) {
    super(message);
  }
}

export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;

function bodyTooLarge(maxBodyBytes: number, declaredBytes?: number): BadRequest {
  const size = declaredBytes === undefined ? "larger than" : `${declaredBytes} bytes, more than`;
  return new BadRequest(
    413,
    `The webhook body is ${size} the ${maxBodyBytes} bytes this receiver accepts (CHARGEBEE_WEBHOOK_MAX_BODY_BYTES)`,
    true,
  );
}

interface ChargebeeEventShape {
  id: string;
  event_type: string;
  occurred_at?: number;
  content: Record<string, unknown>;
}

function parseEvent(raw: unknown): ChargebeeEventShape {
  const event = raw as Partial<ChargebeeEventShape> | null;
  if (!event || typeof event !== "object") throw new BadRequest(400, "The body must be a Chargebee event object");
  if (typeof event.id !== "string" || event.id === "") throw new BadRequest(400, "The event has no id");
  if (typeof event.event_type !== "string" || event.event_type === "") throw new BadRequest(400, "The event has no event_type");
  if (!event.content || typeof event.content !== "object") throw new BadRequest(400, "The event has no content");
  return event as ChargebeeEventShape;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers["content-length"];
  if (header === undefined) return undefined;
  // Node's parser has already refused a Content-Length that is not a number.
  return Number(header);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/**
 * The Chargebee webhook receiver as a plain Node handler (mount it at /webhooks/chargebee). Checks Basic auth,
 * remembers event ids (a duplicate delivery is acknowledged and ignored), and turns each event's content into
 * dataset updates for system "chargebee" — only when the object is not older than the stored one, so deliveries out
 * of order never overwrite newer data. A failure answers 500 and stores nothing, so Chargebee delivers again.
 */
export function createChargebeeWebhookHandler(options: ChargebeeWebhookHandlerOptions): ChargebeeWebhookHandler {
  const { knex } = options;
  const logger = options.logger ?? silentLogger;
  const retentionDays = Math.max(4, options.retentionDays ?? 7);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES;
  const expected = digest(`${options.username}:${options.password}`);
  let lastPrune = 0;

  function authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? "";
    const match = /^Basic\s+(.+)$/i.exec(header);
    if (!match) return false;
    const given = digest(Buffer.from(match[1]!, "base64").toString("utf8"));
    return timingSafeEqual(given, expected);
  }

  /** The body, refused on its Content-Length before it is read, or as soon as it passes the limit while streaming. */
  async function readBody(req: IncomingMessage): Promise<string> {
    const declared = declaredLength(req);
    if (declared !== undefined && declared > maxBodyBytes) throw bodyTooLarge(maxBodyBytes, declared);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBodyBytes) throw bodyTooLarge(maxBodyBytes);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  async function prune(): Promise<number> {
    lastPrune = Date.now();
    const cutoff = new Date(Date.now() - retentionDays * 86_400_000);
    const deleted: unknown = await knex("webhook_events").where("received_at", "<", cutoff).delete();
    // pg answers a count; the embedded engine's driver answers { affectedRows }.
    return typeof deleted === "number" ? deleted : Number((deleted as { affectedRows?: number }).affectedRows ?? 0);
  }

  async function handleEvent(raw: unknown): Promise<ChargebeeWebhookResult> {
    const event = parseEvent(raw);
    const deletedKey = event.event_type.endsWith("_deleted") ? event.event_type.slice(0, -"_deleted".length) : null;
    const result = await knex.transaction(async (trx) => {
      const inserted = (await trx("webhook_events")
        .insert({
          event_id: event.id,
          event_type: event.event_type,
          occurred_at: typeof event.occurred_at === "number" ? new Date(event.occurred_at * 1000) : null,
        })
        .onConflict("event_id")
        .ignore()
        .returning("event_id")) as Array<{ event_id: string }>;
      const outcome: ChargebeeWebhookResult = { eventId: event.id, eventType: event.event_type, duplicate: inserted.length === 0, changed: [], stale: [] };
      if (outcome.duplicate) return outcome;
      for (const [key, value] of Object.entries(event.content)) {
        if (!isChargebeeDatasetEntity(key) || !value || typeof value !== "object") continue;
        const object = value as Record<string, unknown>;
        const record = chargebeeRecordFrom(key, object);
        if (key === deletedKey) record.deleted = true;
        const stored = (await trx("dataset_records")
          .where({ system: "chargebee", entity: key, source_id: record.sourceId })
          .first("data")) as { data: Record<string, unknown> } | undefined;
        if (stored && versionOf(stored.data) > versionOf(object)) {
          outcome.stale.push(`${key}/${record.sourceId}`);
          continue;
        }
        const { changed } = await upsertRecords(trx, [record]);
        outcome.changed.push(...changed);
      }
      return outcome;
    });
    if (Date.now() - lastPrune > 3_600_000) {
      await prune().catch((error: unknown) => logger.warn({ err: error }, "Pruning old Chargebee webhook event ids failed"));
    }
    if (result.changed.length > 0 && options.onChanges) {
      try {
        await options.onChanges(result);
      } catch (error) {
        logger.error({ err: error, eventId: result.eventId }, "The Chargebee webhook change listener failed");
      }
    }
    return result;
  }

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (req.method !== "POST") throw new BadRequest(405, "Chargebee webhooks are POSTed");
      if (!authorized(req)) {
        sendJson(res, 401, { error: "Basic authentication failed: use the webhook username and password configured in Chargebee" }, {
          "www-authenticate": 'Basic realm="chargebee-webhooks"',
          connection: "close",
        });
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readBody(req));
      } catch (error) {
        if (error instanceof BadRequest) throw error;
        throw new BadRequest(400, "The body is not JSON");
      }
      const result = await handleEvent(parsed);
      logger.debug({ eventId: result.eventId, eventType: result.eventType, duplicate: result.duplicate, changed: result.changed.length }, "Chargebee webhook");
      sendJson(res, 200, { received: true, duplicate: result.duplicate, changed: result.changed.length, stale: result.stale.length });
    } catch (error) {
      if (error instanceof BadRequest) {
        sendJson(res, error.status, { error: error.message }, error.closeConnection ? { connection: "close" } : {});
        return;
      }
      logger.error({ err: error }, "Storing a Chargebee webhook event failed; Chargebee will deliver it again");
      if (!res.headersSent) sendJson(res, 500, { error: "The event could not be stored; it will be delivered again" });
    }
  };
  return Object.assign(handler, { handleEvent, prune });
}
