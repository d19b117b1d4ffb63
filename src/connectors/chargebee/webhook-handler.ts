import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isDeepStrictEqual } from "node:util";
import type { Knex } from "knex";
import type { Event } from "chargebee";
import { deletedCount } from "../../db/deleted-count.js";
import { storedData } from "../../datasets/read-records.js";
import { upsertRecords } from "../../datasets/upsert-records.js";
import type { DatasetRecord } from "../../datasets/types.js";
import type { Logger } from "../../logging/logger.js";
import { silentLogger } from "../../logging/logger.js";
import { versionOf } from "./client.js";
import { ChargebeeApiError } from "./errors.js";
import { chargebeeRecordFrom, isChargebeeDatasetEntity } from "./records.js";
import type { ChargebeeRetryPolicy } from "./types.js";

/** Where a delivery is confirmed: the product's Chargebee client (its budget, its retries) fits as is. */
export interface ChargebeeEventSource {
  retrieveEvent(id: string, options?: { retry?: Partial<ChargebeeRetryPolicy> }): Promise<Event | null>;
}

export interface ChargebeeWebhookHandlerOptions {
  knex: Knex;
  /** Every new delivery is confirmed here (GET /events/{id}) and the API's copy is what gets stored. */
  chargebee: ChargebeeEventSource;
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
  /** The event id was seen (and confirmed) before: nothing was done, no API call made. */
  duplicate: boolean;
  /** The delivered event differed from the API's (type or content); the API's copy was stored. */
  mismatch: boolean;
  /** Dataset records that were created or changed by this event. */
  changed: DatasetRecord[];
  /** "entity/id" of objects older (lower resource_version) than what the dataset holds: left alone. */
  stale: string[];
}

export type ChargebeeWebhookHandler = ((req: IncomingMessage, res: ServerResponse) => Promise<void>) & {
  /**
   * One delivered event (already parsed and authenticated): confirmed against the API, then stored from the API's
   * copy, de-duplicated and out-of-order safe. Throws ChargebeeWebhookRefusal for an event to refuse (malformed,
   * unknown to the API, or not confirmable now).
   */
  handleEvent(event: unknown): Promise<ChargebeeWebhookResult>;
  /** Deletes remembered event ids older than the retention. Returns how many. */
  prune(): Promise<number>;
};

/** A delivery refused with an HTTP status; nothing of it was stored. */
export class ChargebeeWebhookRefusal extends Error {
  override readonly name = "ChargebeeWebhookRefusal";
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

/**
 * Confirming a delivery must answer within Chargebee's webhook timeout, and Chargebee delivers again after a failure
 * (2 min, 6 min, 30 min, …), so two quick retries are enough; the sync's reads keep the client's longer policy.
 */
const CONFIRMATION_RETRY: Partial<ChargebeeRetryPolicy> = { maxRetries: 2, maxDelayMs: 5_000 };

/**
 * Chargebee's event ids (`ev_16BPgETyVrQbiGhA`) and event types (`customer_changed`). Anything else is refused before
 * it reaches a log line or the API's URL (the SDK keeps a `/` in an id as it is).
 */
const EVENT_ID = /^[A-Za-z0-9_-]{1,100}$/;
const EVENT_TYPE = /^[a-z0-9_]{1,100}$/;

interface ChargebeeEventShape {
  id: string;
  event_type: string;
  occurred_at?: number;
  content: Record<string, unknown>;
}

function bodyTooLarge(maxBodyBytes: number, declaredBytes?: number): ChargebeeWebhookRefusal {
  const size = declaredBytes === undefined ? "larger than" : `${declaredBytes} bytes, more than`;
  return new ChargebeeWebhookRefusal(
    413,
    `The webhook body is ${size} the ${maxBodyBytes} bytes this receiver accepts (CHARGEBEE_WEBHOOK_MAX_BODY_BYTES)`,
    true,
  );
}

function parseDelivery(raw: unknown): ChargebeeEventShape {
  const event = raw as Partial<ChargebeeEventShape> | null;
  const refuse = (message: string) => new ChargebeeWebhookRefusal(400, message);
  if (!event || typeof event !== "object") throw refuse("The body must be a Chargebee event object");
  if (typeof event.id !== "string" || event.id === "") throw refuse("The event has no id");
  if (!EVENT_ID.test(event.id)) throw refuse("The event id is not a Chargebee event id");
  if (typeof event.event_type !== "string" || event.event_type === "") throw refuse("The event has no event_type");
  if (!EVENT_TYPE.test(event.event_type)) throw refuse("The event_type is not a Chargebee event type");
  if (!event.content || typeof event.content !== "object") throw refuse("The event has no content");
  return event as ChargebeeEventShape;
}

function eventFromApi(event: Event): ChargebeeEventShape {
  return {
    id: event.id,
    event_type: event.event_type ?? "",
    occurred_at: event.occurred_at,
    content: (event.content ?? {}) as unknown as Record<string, unknown>,
  };
}

/** The content keys (`customer`, `invoice`, …) whose objects differ between the delivery and the API's event. */
function differingContentKeys(delivered: ChargebeeEventShape, confirmed: ChargebeeEventShape): string[] {
  const keys = new Set([...Object.keys(delivered.content), ...Object.keys(confirmed.content)]);
  return [...keys].filter((key) => !isDeepStrictEqual(delivered.content[key], confirmed.content[key])).sort();
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
 * The Chargebee webhook receiver as a plain Node handler (mount it at /webhooks/chargebee). Checks Basic auth, and
 * treats the delivery as a hint: the event is fetched by its id from Chargebee's API and the API's copy becomes our
 * copy, never the delivered one (anyone with the webhook password could deliver anything). Event ids are remembered
 * (a duplicate delivery is acknowledged and ignored, with no API call), and each event's content turns into dataset
 * updates for system "chargebee" — only when the object is not older than the stored one, so deliveries out of order
 * never overwrite newer data. Whatever fails stores nothing, so Chargebee delivers again.
 */
export function createChargebeeWebhookHandler(options: ChargebeeWebhookHandlerOptions): ChargebeeWebhookHandler {
  const { knex, chargebee } = options;
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
    return deletedCount(deleted);
  }

  /** The stored type of an event id already received (and so confirmed), or undefined for a new one. */
  async function storedEventType(eventId: string): Promise<string | undefined> {
    const row = (await knex("webhook_events").where({ event_id: eventId }).first("event_type")) as { event_type: string } | undefined;
    return row?.event_type;
  }

  /** The API's copy of the delivered event. Refuses an event the API does not know, or cannot tell about now. */
  async function confirm(delivered: ChargebeeEventShape): Promise<ChargebeeEventShape> {
    const facts = { eventId: delivered.id, eventType: delivered.event_type };
    let found: Event | null;
    try {
      found = await chargebee.retrieveEvent(delivered.id, { retry: CONFIRMATION_RETRY });
    } catch (error) {
      const apiError = error instanceof ChargebeeApiError ? error : undefined;
      const cause = apiError ? { httpStatus: apiError.httpStatus, apiErrorCode: apiError.apiErrorCode } : { err: error };
      // A failure that waiting will not cure (our API key refused, an unknown site) needs someone: error, not warn.
      logger[apiError && !apiError.retryable ? "error" : "warn"](
        { ...facts, ...cause },
        "A Chargebee webhook could not be confirmed with the API; answered 503, so Chargebee delivers it again",
      );
      // 5xx: the event may well be real; Chargebee retries it (2 min, 6 min, 30 min, …) and we confirm it then.
      throw new ChargebeeWebhookRefusal(503, "Chargebee's API could not confirm the event just now; deliver it again later");
    }
    if (!found) {
      logger.warn(
        facts,
        "Chargebee webhook refused: the API has no such event (a forged delivery, or a webhook set up on another site than CHARGEBEE_SITE)",
      );
      // Chargebee retries every non-2xx answer alike (7 times over about 3 days, then marks the delivery failed), so
      // no status stops its retries, and they end. 422: the request is well-formed and authenticated, but its event
      // is not one the API knows; not our outage (5xx) nor bad credentials (401). Each retry is confirmed afresh, so
      // an event the API did not have yet at its first delivery is stored when it comes again.
      throw new ChargebeeWebhookRefusal(422, "Chargebee's API has no event with this id; it was not stored");
    }
    return eventFromApi(found);
  }

  function reportMismatch(delivered: ChargebeeEventShape, confirmed: ChargebeeEventShape): boolean {
    const differingKeys = differingContentKeys(delivered, confirmed);
    const typeDiffers = delivered.event_type !== confirmed.event_type;
    if (differingKeys.length === 0 && !typeDiffers) return false;
    logger.warn(
      { eventId: confirmed.id, eventType: confirmed.event_type, ...(typeDiffers ? { deliveredEventType: delivered.event_type } : {}), differingKeys },
      "A Chargebee webhook differs from the API's event; the API's copy is stored",
    );
    return true;
  }

  /** Stores a confirmed event's records; a duplicate (the id was stored meanwhile) changes nothing. */
  async function store(event: ChargebeeEventShape, mismatch: boolean): Promise<ChargebeeWebhookResult> {
    const deletedKey = event.event_type.endsWith("_deleted") ? event.event_type.slice(0, -"_deleted".length) : null;
    return knex.transaction(async (trx) => {
      const inserted = (await trx("webhook_events")
        .insert({
          event_id: event.id,
          event_type: event.event_type,
          occurred_at: typeof event.occurred_at === "number" ? new Date(event.occurred_at * 1000) : null,
        })
        .onConflict("event_id")
        .ignore()
        .returning("event_id")) as Array<{ event_id: string }>;
      const outcome: ChargebeeWebhookResult = {
        eventId: event.id,
        eventType: event.event_type,
        duplicate: inserted.length === 0,
        mismatch,
        changed: [],
        stale: [],
      };
      if (outcome.duplicate) return outcome;
      for (const [key, value] of Object.entries(event.content)) {
        if (!isChargebeeDatasetEntity(key) || !value || typeof value !== "object") continue;
        const object = value as Record<string, unknown>;
        const record = chargebeeRecordFrom(key, object);
        if (key === deletedKey) record.deleted = true;
        const stored = await storedData(trx, "chargebee", key, record.sourceId);
        if (stored && versionOf(stored) > versionOf(object)) {
          outcome.stale.push(`${key}/${record.sourceId}`);
          continue;
        }
        const { changed } = await upsertRecords(trx, [record]);
        outcome.changed.push(...changed);
      }
      return outcome;
    });
  }

  async function afterStoring(result: ChargebeeWebhookResult): Promise<void> {
    if (Date.now() - lastPrune > 3_600_000) {
      await prune().catch((error: unknown) => logger.warn({ err: error }, "Pruning old Chargebee webhook event ids failed"));
    }
    if (result.changed.length === 0 || !options.onChanges) return;
    try {
      await options.onChanges(result);
    } catch (error) {
      logger.error({ err: error, eventId: result.eventId }, "The Chargebee webhook change listener failed");
    }
  }

  async function handleEvent(raw: unknown): Promise<ChargebeeWebhookResult> {
    const delivered = parseDelivery(raw);
    const knownType = await storedEventType(delivered.id);
    if (knownType !== undefined) {
      return { eventId: delivered.id, eventType: knownType, duplicate: true, mismatch: false, changed: [], stale: [] };
    }
    const confirmed = await confirm(delivered);
    const result = await store(confirmed, reportMismatch(delivered, confirmed));
    await afterStoring(result);
    return result;
  }

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (req.method !== "POST") throw new ChargebeeWebhookRefusal(405, "Chargebee webhooks are POSTed");
      if (!authorized(req)) {
        sendJson(
          res,
          401,
          { error: "Basic authentication failed: use the webhook username and password configured in Chargebee" },
          {
            "www-authenticate": 'Basic realm="chargebee-webhooks"',
            connection: "close",
          },
        );
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readBody(req));
      } catch (error) {
        if (error instanceof ChargebeeWebhookRefusal) throw error;
        throw new ChargebeeWebhookRefusal(400, "The body is not JSON");
      }
      const result = await handleEvent(parsed);
      logger.debug(
        {
          eventId: result.eventId,
          eventType: result.eventType,
          duplicate: result.duplicate,
          mismatch: result.mismatch,
          changed: result.changed.length,
        },
        "Chargebee webhook",
      );
      sendJson(res, 200, { received: true, duplicate: result.duplicate, changed: result.changed.length, stale: result.stale.length });
    } catch (error) {
      if (error instanceof ChargebeeWebhookRefusal) {
        sendJson(res, error.status, { error: error.message }, error.closeConnection ? { connection: "close" } : {});
        return;
      }
      logger.error({ err: error }, "Storing a Chargebee webhook event failed; Chargebee will deliver it again");
      if (!res.headersSent) sendJson(res, 500, { error: "The event could not be stored; it will be delivered again" });
    }
  };
  return Object.assign(handler, { handleEvent, prune });
}
