/** Splits a file's bytes into lines without making one string of the whole file (a snapshot may pass V8's limit). */
export function* splitLines(bytes: Buffer): Generator<{ text: string; number: number; end: number; complete: boolean }> {
  let start = 0;
  let number = 0;
  while (start < bytes.length) {
    const newline = bytes.indexOf(0x0a, start);
    const complete = newline !== -1;
    const end = complete ? newline + 1 : bytes.length;
    number += 1;
    yield { text: bytes.toString("utf8", start, complete ? newline : end), number, end, complete };
    start = end;
  }
}

export function parseJsonLine(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Writes everything (a write to a regular file may be cut short by a signal) and returns the bytes written. */
export function writeAll(fd: number, bytes: Buffer, writeSync: (fd: number, buffer: Buffer, offset: number) => number): number {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
  return bytes.length;
}
