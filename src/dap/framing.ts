// Content-Length framing shared by every DAP link pdap has: client <-> adapter and adapter <-> agent.
import type { DebugProtocol } from "@vscode/debugprotocol";

export type Message = DebugProtocol.ProtocolMessage & Record<string, unknown>;

/** Messages larger than this are refused: no client legitimately sends 64 MiB of JSON. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** A header block (every line up to the blank one) longer than this closes the link. */
export const MAX_HEADER_BYTES = 8192;

const HEADER_END = Buffer.from("\r\n\r\n");
/** `Name: value`, the name an RFC 9110 token: the only line shape a DAP header block has. */
const HEADER_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+:/;
/** The start of a header line not yet complete: a name so far, or a name and its colon. */
const HEADER_NAME_SO_FAR = /^[!#$%&'*+.^_`|~0-9A-Za-z-]*:?$/;
/** `METHOD ` (then target and version): what a browser (fetch, form, WebSocket) or curl sends first. */
const HTTP_METHOD_START = /^[A-Za-z]+ /;
/** Headers that only HTTP clients send: a link that carries them is a web page, not a DAP client. */
const HTTP_ONLY_HEADERS = new Set(["host", "origin", "referer", "user-agent", "cookie", "sec-fetch-mode"]);

export class FramingError extends Error {}

/**
 * The peer speaks HTTP (a web page, curl): `reply` is a complete HTTP 400 response to send
 * before closing, so the browser sees a plain refusal instead of a hung request.
 */
export class HttpRequestRefused extends FramingError {
  readonly reply: Buffer;

  constructor(what: string) {
    super(`refused an HTTP request (${what}): this port speaks the Debug Adapter Protocol, not HTTP`);
    const body = "pdap: this port speaks the Debug Adapter Protocol, not HTTP; request refused\n";
    this.reply = Buffer.from(
      "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      "utf8",
    );
  }
}

/** A well-framed body that is not a DAP message: the stream stays usable, the message is dropped. */
export interface Malformed {
  malformed: string;
}

export function encodeMessage(message: object): Buffer {
  const body = Buffer.from(JSON.stringify(message), "utf8");
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, "ascii"), body]);
}

/**
 * Incremental decoder: feed it chunks, it returns the complete messages.
 * A malformed header or body throws FramingError; the link is then unusable
 * because the stream position is lost, so callers close it with that message.
 */
export class MessageDecoder {
  /** Unparsed bytes, kept as chunks so a large body costs one concatenation, not one per chunk. */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Header parsed, body not complete yet: the body's start offset and length. */
  private pending: { start: number; length: number } | undefined;

  /** The largest body accepted; a link lowers it while its peer is not yet known (a handshake). */
  constructor(public maxBytes = MAX_MESSAGE_BYTES) {}

  push(chunk: Buffer): Array<Message | Malformed> {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Array<Message | Malformed> = [];
    for (;;) {
      if (!this.pending && !this.readHeader()) return messages;
      const { start, length } = this.pending as { start: number; length: number };
      if (this.buffered < start + length) return messages;
      const buffer = this.take();
      this.pending = undefined;
      const body = buffer.subarray(start, start + length).toString("utf8");
      this.keep(buffer.subarray(start + length));
      try {
        messages.push(parseBody(body));
      } catch (error) {
        messages.push({ malformed: (error as Error).message });
      }
    }
  }

  /**
   * Parses the next header if it is complete; false when more bytes are needed. Each header line
   * is checked as soon as it is complete, so an HTTP request is refused at its first line.
   */
  private readHeader(): boolean {
    const buffer = this.take();
    const headerEnd = buffer.indexOf(HEADER_END);
    if (headerEnd < 0) {
      checkHeaderLines(buffer.subarray(0, MAX_HEADER_BYTES + 1).toString("latin1"), true);
      if (buffer.length > MAX_HEADER_BYTES) {
        throw new FramingError(`DAP header longer than ${MAX_HEADER_BYTES} bytes or missing CRLFCRLF`);
      }
      return false;
    }
    const header = buffer.subarray(0, headerEnd).toString("latin1");
    checkHeaderLines(header);
    const length = parseContentLength(header);
    if (length > this.maxBytes) {
      throw new FramingError(`DAP message of ${length} bytes exceeds the ${this.maxBytes}-byte limit`);
    }
    this.pending = { start: headerEnd + HEADER_END.length, length };
    return true;
  }

  private take(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private keep(rest: Buffer): void {
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
  }
}

/**
 * Every line must be `Name: value`; an HTTP request line or an HTTP-only header is refused as
 * HTTP. With `partial`, the last line may be incomplete: its name so far is checked, so a first
 * line dripped a byte at a time is refused at its first space.
 */
function checkHeaderLines(header: string, partial = false): void {
  const lines = header.split("\r\n");
  for (const [index, line] of lines.entries()) {
    const colon = line.indexOf(":");
    const incomplete = partial && index === lines.length - 1;
    // an incomplete line may end in the CR of its CRLF, or be the CR of the blank line
    const nameSoFar = colon < 0 ? line.replace(/\r$/, "") : line.slice(0, colon + 1);
    const wellFormed = incomplete ? HEADER_NAME_SO_FAR.test(nameSoFar) : HEADER_LINE.test(line);
    if (!wellFormed) {
      if (index === 0 && HTTP_METHOD_START.test(line)) throw new HttpRequestRefused("request line");
      throw new FramingError(`not a DAP header line: ${JSON.stringify(line.slice(0, 80))}`);
    }
    if (colon < 0) continue;
    const name = line.slice(0, colon).toLowerCase();
    if (HTTP_ONLY_HEADERS.has(name)) throw new HttpRequestRefused(`${name} header`);
  }
}

function parseContentLength(header: string): number {
  for (const line of header.split("\r\n")) {
    const colon = line.indexOf(":");
    if (line.slice(0, colon).toLowerCase() !== "content-length") continue;
    const text = line.slice(colon + 1).trim();
    if (!/^\d+$/.test(text)) throw new FramingError(`bad Content-Length: ${JSON.stringify(text)}`);
    return Number(text);
  }
  throw new FramingError("DAP header has no Content-Length");
}

function parseBody(body: string): Message {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new FramingError(`DAP body is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new FramingError("DAP body is not a JSON object");
  }
  const message = value as Message;
  if (typeof message.type !== "string") throw new FramingError("DAP message has no 'type'");
  return message;
}
