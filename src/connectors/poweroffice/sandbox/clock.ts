/**
 * Microsecond timestamps. PowerOffice's DateTimeOffsets carry 7 fractional digits; JavaScript Dates hold
 * milliseconds, so the sandbox counts whole microseconds since the epoch in a number (safe until year 2255) and
 * never hands out the same value twice, even for two writes in the same millisecond.
 */
export class MicrosecondClock {
  private last = 0;

  /** A value strictly greater than every earlier one, and not behind the wall clock. */
  next(): number {
    const now = Date.now() * 1000;
    this.last = Math.max(now, this.last + 1);
    return this.last;
  }

  /** The last value handed out (saved state keeps it, so timestamps go on increasing after a restart). */
  get lastIssued(): number {
    return this.last;
  }

  /** Makes later values come after `micros` (seeded data may be stamped ahead of the wall clock in tests). */
  advancePast(micros: number): void {
    this.last = Math.max(this.last, micros);
  }
}

/** "2025-01-06T07:00:00.1234560Z": .NET's 7 fractional digits, the last always 0. */
let cachedSecond = -1;
let cachedSecondText = "";

export function formatMicros(micros: number): string {
  const second = Math.floor(micros / 1_000_000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedSecondText = new Date(second * 1000).toISOString().slice(0, 19);
  }
  const seconds = cachedSecondText;
  const fraction = String(micros % 1_000_000).padStart(6, "0");
  return `${seconds}.${fraction}0Z`;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+\- ]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses a filter value such as "2021-09-25 08:03:00.123456+00:00" into microseconds (digits past the sixth are
 * dropped: a stored value in whole microseconds compares the same way). A "+" that arrived unencoded in a query
 * string reads as a space; that is accepted as "+". Returns undefined when the text is not a timestamp.
 */
export function parseTimestampMicros(text: string): number | undefined {
  const match = TIMESTAMP.exec(text.trim());
  if (!match) return undefined;
  const [, date, hoursMinutes, seconds = "00", fraction = "", zone = "Z"] = match;
  let offset = zone.toUpperCase() === "Z" ? "Z" : zone.replace(" ", "+");
  if (/^[+-]\d{2}$/.test(offset)) offset += ":00";
  else if (/^[+-]\d{4}$/.test(offset)) offset = `${offset.slice(0, 3)}:${offset.slice(3)}`;
  const wholeSeconds = Date.parse(`${date}T${hoursMinutes}:${seconds}${offset}`);
  if (Number.isNaN(wholeSeconds)) return undefined;
  const micros = Number(fraction.padEnd(6, "0").slice(0, 6));
  return wholeSeconds * 1000 + micros;
}
