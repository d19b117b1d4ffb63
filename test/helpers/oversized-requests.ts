/** Clients for testing body limits: a request that declares a body it never sends, and one that streams without end. */
import http from "node:http";
import net from "node:net";

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The server ended the connection (instead of waiting for the rest of the body). */
  closedByServer: boolean;
}

function parseRawAnswer(raw: string, closedByServer: boolean): RawAnswer {
  const separator = raw.indexOf("\r\n\r\n");
  const [statusLine, ...headerLines] = raw.slice(0, separator).split("\r\n");
  const headers: http.IncomingHttpHeaders = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine!.split(" ")[1]), headers, text: raw.slice(separator + 4), closedByServer };
}

/**
 * Sends only the head of a POST that declares `contentLength` bytes, and no body: an answer can only come from a
 * server that decided without reading the body. Gives up waiting for the server to close after 5 s.
 */
export function postHeadOnly(url: URL, contentLength: number, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => {
      const head = Object.entries({ host: url.host, "content-type": "application/json", "content-length": String(contentLength), ...headers })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join("");
      socket.write(`POST ${url.pathname} HTTP/1.1\r\n${head}\r\n`);
    });
    let raw = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(parseRawAnswer(raw, false));
    }, 5_000);
    socket.on("data", (chunk) => (raw += chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      clearTimeout(timer);
      resolve(parseRawAnswer(raw, true));
    });
  });
}

/**
 * POSTs `prefix`, then a chunked body (no Content-Length) of up to `totalBytes`, written as fast as the connection
 * takes it, and stops writing once the answer arrives. Resolves with the answer and how many bytes had been written.
 */
export function postChunked(
  url: URL,
  options: { prefix: string; totalBytes: number; headers?: Record<string, string> },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; writtenBytes: number }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", headers: { "content-type": "application/json", ...options.headers } });
    const chunk = "a".repeat(16 * 1024);
    let written = 0;
    let answered = false;
    const pump = () => {
      while (!answered && written < options.totalBytes) {
        written += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", pump);
      }
      if (!answered) request.end();
    };
    request.on("response", (response) => {
      answered = true;
      const writtenBytes = written;
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (part: string) => (text += part));
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, text, writtenBytes }));
    });
    // Writing on after the server answered and closed can fail with EPIPE/ECONNRESET; the answer is what counts.
    request.on("error", (error) => (answered ? undefined : reject(error)));
    request.write(options.prefix);
    pump();
  });
}
