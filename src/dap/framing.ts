// Content-Length framing shared by every DAP link pdap has: client <-> adapter and adapter <-> agent.
import type { DebugProtocol } from "@vscode/debugprotocol";

export type Message = DebugProtocol.ProtocolMessage & Record<string, unknown>;

/** Messages larger than this are refused: no client legitimately sends 64 MiB of JSON. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const HEADER_END = Buffer.from("\r\n\r\n");

export class FramingError extends Error {}

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

  constructor(private readonly maxBytes = MAX_MESSAGE_BYTES) {}

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

  /** Parses the next header if it is complete; false when more bytes are needed. */
  private readHeader(): boolean {
    const buffer = this.take();
    const headerEnd = buffer.indexOf(HEADER_END);
    if (headerEnd < 0) {
      if (buffer.length > 8192) throw new FramingError("DAP header too long or missing CRLFCRLF");
      return false;
    }
    const length = parseContentLength(buffer.subarray(0, headerEnd).toString("ascii"));
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

function parseContentLength(header: string): number {
  for (const line of header.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    if (line.slice(0, colon).trim().toLowerCase() !== "content-length") continue;
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
